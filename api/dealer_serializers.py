"""What a dealer's programs send to change their inventory, and what they get back."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import Vehicle
from search.fields import EDITABLE_FIELDS, SPEC_FIELDS, VehicleField
from search.params import CurrencyField


class StrictInput(serializers.Serializer):
    """Unknown fields are an error naming them, not silently dropped."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["Unknown field."]})
        return super().to_internal_value(data)


def _choice(declared: VehicleField) -> serializers.Field:
    if not declared.editable.optional:
        return serializers.ChoiceField(choices=list(declared.value_codes), required=False)
    return serializers.ChoiceField(
        choices=["", *declared.value_codes],
        required=False,
        help_text=f"{', '.join(declared.value_codes)}, or empty if not known.",
    )


def _edit_field(declared: VehicleField) -> serializers.Field:
    """The input of one field a dealer sets, from its declaration (search.fields.DealerInput)."""
    rule = declared.editable
    if rule.kind == "code":
        return _choice(declared)
    if rule.kind == "amount":
        return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    if rule.kind == "whole":
        return serializers.IntegerField(
            min_value=rule.low, max_value=rule.high, required=False, allow_null=rule.optional
        )
    return serializers.CharField(max_length=rule.max_length, required=False, allow_blank=True)


# The coded fields written by name as a serializer base: DRF collects declared fields by its metaclass.
_SpecInput = serializers.SerializerMetaclass(
    "_SpecInput", (StrictInput,), {declared.name: _choice(declared) for declared in SPEC_FIELDS}
)
# Every field a dealer sets on a listed vehicle, named by its column (as the output names it).
_EditableInput = serializers.SerializerMetaclass(
    "_EditableInput", (StrictInput,), {declared.column: _edit_field(declared) for declared in EDITABLE_FIELDS}
)


class VehicleEditInput(_EditableInput):
    """A change to a listed vehicle: the API's PATCH body and the console's edit form both read through
    this one serializer, so both accept and refuse the same values."""

    status = serializers.ChoiceField(choices=Vehicle.Status.values, required=False)


class NewVehicleInput(_SpecInput):
    vin = serializers.CharField(max_length=25, help_text="17 characters, never I, O or Q.")
    make = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=80)
    trim = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = CurrencyField()
    mileage_km = serializers.IntegerField(min_value=0, max_value=2_000_000, required=False, allow_null=True)
    condition = serializers.ChoiceField(choices=Vehicle.Condition.values, required=False, default="used")
    body_type = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    fuel = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    transmission = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    exterior_color = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    description = serializers.CharField(max_length=20000, required=False, default="", allow_blank=True)


class DealerVehicleOutput(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id")

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "vin",
            "make",
            "model",
            "currency",
            "status",
            *(declared.column for declared in EDITABLE_FIELDS),
            "listed_at",
            "updated_at",
        ]
