"""The console's forms: they only parse what was typed; the catalog services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Vehicle
from nzila.text_input import whole_number
from search.fields import EDITABLE_FIELDS, SPEC_FIELDS, VehicleField, choices

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def add_dealer_set_fields(form: forms.Form, *, after: str) -> None:
    """A choice for each coded field written by name (search.fields.SPEC_FIELDS), placed after `after`."""
    names = list(form.fields)
    for declared in SPEC_FIELDS:
        form.fields[declared.name] = forms.ChoiceField(
            label=declared.label, choices=[("", _("Not known")), *choices(declared.name)], required=False
        )
    at = names.index(after) + 1
    form.order_fields([*names[:at], *(declared.name for declared in SPEC_FIELDS), *names[at:]])


def edit_text(vehicle: Vehicle, column: str) -> str:
    """A vehicle's value as the edit form shows it (and compares what comes back with)."""
    value = getattr(vehicle, column)
    return "" if value is None else str(value)


def _edit_widget(declared: VehicleField, current: str) -> forms.Widget:
    rule = declared.editable
    if rule.kind == "code":
        options = [("", _("Not known"))] if rule.optional else []
        options += choices(declared.name)
        if current and current not in declared.value_codes:
            # A value read from an older import: kept as it is unless the dealer picks another.
            options.append((current, current))
        return forms.Select(choices=options)
    if rule.kind == "whole":
        return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    if rule.kind == "amount":
        return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    if rule.max_length > 200:
        return forms.Textarea(attrs={"rows": 6})
    return forms.TextInput()


class VehicleEditForm(forms.Form):
    """Every field a dealer sets (search.fields.EDITABLE_FIELDS, by column) and the status, as typed:
    the view validates what changed through the API's own serializer (api.dealer_serializers)."""

    status = forms.ChoiceField(label=_("Status"), choices=Vehicle.Status.choices)

    def __init__(self, *args, vehicle: Vehicle, **kwargs):
        kwargs.setdefault(
            "initial",
            {"status": vehicle.status, **{f.column: edit_text(vehicle, f.column) for f in EDITABLE_FIELDS}},
        )
        super().__init__(*args, **kwargs)
        for declared in EDITABLE_FIELDS:
            self.fields[declared.column] = forms.CharField(
                label=declared.label,
                required=False,
                widget=_edit_widget(declared, edit_text(vehicle, declared.column)),
            )


class DealerContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone and WhatsApp number"),
        max_length=32,
        required=False,
        help_text=_("With the country code, e.g. +254 712 345678. Buyers reach you on WhatsApp at this number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    phone_shown = forms.ChoiceField(
        label=_("Where buyers see it"),
        choices=[
            ("everywhere", _("The number and a WhatsApp button on my vehicle pages")),
            ("whatsapp", _("Only a WhatsApp button")),
            ("nowhere", _("Nowhere: buyers write to me through Nzila")),
        ],
        widget=forms.RadioSelect,
        initial="everywhere",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        min_length=6,
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class VehicleAddForm(forms.Form):
    vin = forms.CharField(max_length=25, label="VIN")
    make = forms.CharField(label=_("Make"), max_length=60)
    model = forms.CharField(label=_("Model"), max_length=80)
    trim = forms.CharField(label=_("Trim"), max_length=120, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    price = forms.DecimalField(label=_("Price"), max_digits=14, decimal_places=2, min_value=0.01)
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    mileage_km = forms.IntegerField(label=_("Mileage (km)"), min_value=0, max_value=2_000_000, required=False)
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Vehicle.Condition.choices, initial=Vehicle.Condition.USED
    )
    body_type = forms.CharField(label=_("Body type"), max_length=30, required=False)
    fuel = forms.CharField(label=_("Fuel"), max_length=20, required=False)
    transmission = forms.CharField(label=_("Transmission"), max_length=20, required=False)
    exterior_color = forms.CharField(label=_("Colour"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )

    def __init__(self, *args, currencies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(code, code) for code in currencies]
        add_dealer_set_fields(self, after="exterior_color")


class BulkForm(forms.Form):
    ACTIONS = (("mark_sold", "Mark sold"), ("change_price", "Change price by %"))
    action = forms.ChoiceField(choices=ACTIONS)
    vehicles = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    percent = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ids are checked against the dealer by the service; here they only need to be integers.
        self.fields["vehicles"].valid_value = lambda value: whole_number(str(value)) is not None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV in the export's columns, as spreadsheets save it (UTF-8 or UTF-16; commas, semicolons or tabs)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("At most %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload
