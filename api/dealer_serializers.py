"""What a dealer's programs send to change their inventory, and what they get back."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import Vehicle
from search.fields import EDITABLE_FIELDS
from search.params import CurrencyField


class StrictInput(serializers.Serializer):
    """Unknown fields are an error naming them, not silently dropped."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["Unknown field."]})
        return super().to_internal_value(data)


def _dealer_set_fields() -> dict[str, serializers.Field]:
    """One choice per field the dealer sets (search.fields.EDITABLE_FIELDS); "" when not known."""
    return {
        declared.name: serializers.ChoiceField(
            choices=["", *declared.value_codes],
            required=False,
            help_text=f"{', '.join(declared.value_codes)}, or empty if not known.",
        )
        for declared in EDITABLE_FIELDS
    }


# The dealer-set fields as a serializer base: DRF collects declared fields by its metaclass.
_DealerSetInput = serializers.SerializerMetaclass("_DealerSetInput", (StrictInput,), _dealer_set_fields())


class VehicleEditInput(_DealerSetInput):
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    status = serializers.ChoiceField(choices=Vehicle.Status.values, required=False)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class NewVehicleInput(_DealerSetInput):
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
            "trim",
            "year",
            "price",
            "currency",
            "status",
            *(declared.column for declared in EDITABLE_FIELDS),
            "description",
            "listed_at",
            "updated_at",
        ]
