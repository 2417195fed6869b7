"""The account pages' forms. Each validates its input; the views hand the result to one service call."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference
from notifications.phones import InvalidPhone, normalise_phone
from payments.testmode import TEST_CARDS


class RegisterForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), help_text=_("For password resets and the messages you ask for."))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    # Whether the username or the e-mail is taken is said only in the e-mail sent to that address
    # (views.register), so the page tells no more than the password reset does.
    def clean_username(self):
        return self.cleaned_data["username"]

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def validate_unique(self):
        """The model's unique check would name a taken username: views.register decides by e-mail."""


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class PreferencesForm(forms.ModelForm):
    # Typed with spaces and dashes; stored as E.164 (at most 16 characters) once normalised.
    phone_e164 = forms.CharField(label=_("WhatsApp number"), max_length=32, required=False)

    class Meta:
        model = NotificationPreference
        fields = [
            "whatsapp_enabled",
            "email_enabled",
            "in_app_enabled",
            "quiet_hours_enabled",
            "quiet_start",
            "quiet_end",
            "time_zone",
            "phone_e164",
            "language",
        ]
        labels = {
            "whatsapp_enabled": _("WhatsApp messages"),
            "email_enabled": _("E-mails"),
            "in_app_enabled": _("Notifications on the site"),
            "quiet_hours_enabled": _("No messages during quiet hours"),
            "quiet_start": _("Quiet hours start"),
            "quiet_end": _("Quiet hours end"),
            "time_zone": _("Time zone (e.g. Africa/Lagos)"),
            "phone_e164": _("WhatsApp number"),
            "language": _("Language of messages"),
        }
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The language of my country")), *settings.LANGUAGES]

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError(_("Not a known time zone.")) from None
        return value

    def clean_phone_e164(self):
        value = self.cleaned_data["phone_e164"].strip()
        if not value:
            return value
        try:
            return normalise_phone(value)
        except InvalidPhone:
            raise forms.ValidationError(_("Not a valid phone number; include the country code, e.g. +234.")) from None


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses it, e.g. “stock sync”."))


class MemberForm(forms.Form):
    # No look-up of the address here: whether an account uses it is not the inviting admin's to learn.
    email = forms.EmailField(label=_("E-mail of the person to invite"))


class PayForm(forms.Form):
    """How the buyer pays one target: a card (in test mode, one of Stripe's test cards) or mobile money
    with an operator of their country. `client_key` is drawn when the form is shown: a double click or a
    resent form finds the first attempt again instead of starting a second one."""

    method = forms.ChoiceField(
        label=_("Pay by"), choices=[("card", _("Card")), ("mobile_money", _("Mobile money"))], widget=forms.RadioSelect
    )
    test_card = forms.ChoiceField(label=_("Test card"), required=False, widget=forms.RadioSelect)
    operator = forms.ChoiceField(label=_("Operator"), required=False, widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=20)
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, operators, test_mode: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.test_mode = test_mode
        self.fields["test_card"].choices = [(c.key, f"{c.label} · {c.number}") for c in TEST_CARDS]
        self.fields["test_card"].initial = TEST_CARDS[0].key
        self.fields["operator"].choices = operators
        if operators:
            self.fields["operator"].initial = operators[0][0]
        else:
            self.fields["method"].choices = [("card", _("Card"))]
        self.fields["method"].initial = "card"

    def clean_client_key(self):
        key = self.cleaned_data["client_key"]
        if not key.isalnum():
            raise forms.ValidationError(_("Reload the page and try again."))
        return key

    def clean(self):
        data = super().clean()
        if data.get("method") == "card":
            if not self.test_mode:
                # Live card entry is Stripe.js's (it never reaches us), and it cannot load here.
                raise forms.ValidationError(_("Card payments need Stripe's card form, which is not available here."))
            if not data.get("test_card"):
                self.add_error("test_card", _("Choose a test card."))
        elif data.get("method") == "mobile_money":
            if not data.get("operator"):
                self.add_error("operator", _("Choose your operator."))
            if not data.get("phone"):
                self.add_error("phone", _("Enter the number that will approve the payment."))
        return data
