"""Payment API input validation and output shapes."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments import states
from payments.models import Invoice, LedgerEntry, Method, Payment, Provider, Purpose, Refund


class PaymentCreateSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.values)
    method = serializers.ChoiceField(choices=Method.values)
    deal_id = serializers.IntegerField(required=False, min_value=1)
    shipment_id = serializers.IntegerField(required=False, min_value=1)
    invoice_id = serializers.IntegerField(required=False, min_value=1)
    reservation_id = serializers.IntegerField(required=False, min_value=1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, min_value=Decimal("0.01"))
    payment_method = serializers.CharField(required=False, allow_blank=True, max_length=64)
    provider = serializers.ChoiceField(choices=[p for p in Provider.values if p != Provider.STRIPE], required=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, error_messages={"invalid": "must be a two-letter ISO country code"}
    )

    def validate(self, data):
        if data["method"] == Method.MOBILE_MONEY and not data.get("provider"):
            raise serializers.ValidationError({"provider": "is required for mobile money"})
        if data["method"] == Method.CARD and data.get("provider"):
            raise serializers.ValidationError({"provider": "cards are always processed by stripe; omit it"})
        return data


class PaymentMethodAttachSerializer(serializers.Serializer):
    payment_method = serializers.RegexField(
        r"^pm_[A-Za-z0-9_]+$", max_length=64, error_messages={"invalid": "must be a Stripe payment method id (pm_...)"}
    )
    default = serializers.BooleanField(required=False, default=False)


class RefundCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, min_value=Decimal("0.01"))
    reason = serializers.ChoiceField(choices=Refund.Reason.values)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class InvoiceCreateSerializer(serializers.Serializer):
    buyer_id = serializers.IntegerField(min_value=1)
    deal_id = serializers.IntegerField(required=False, min_value=1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$", error_messages={"invalid": "must be an ISO 4217 code"})
    due_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)


class AirtelTransactionSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, help_text="Our payment id, as we sent it to Airtel.")


class AirtelCallbackSerializer(serializers.Serializer):
    """The part of Airtel's callback we read; the rest of the body is kept as it came."""

    transaction = AirtelTransactionSerializer()


class MetricsQuerySerializer(serializers.Serializer):
    window_minutes = serializers.IntegerField(required=False, min_value=1, max_value=60 * 24 * 31, default=60)


class PaymentSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id")
    card = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "state",
            "purpose",
            "method",
            "provider",
            "amount",
            "currency",
            "amount_captured",
            "amount_refunded",
            "provider_amount",
            "provider_currency",
            "fx_rate",
            "fx_rate_as_of",
            "deal",
            "shipment",
            "invoice",
            "phone_e164",
            "card",
            "next_action",
            "failure_code",
            "failure_message",
            "created_at",
            "state_changed_at",
            "succeeded_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "Card payments only: the card's brand and last four digits.",
            "properties": {"brand": {"type": "string"}, "last4": {"type": "string"}},
        }
    )
    def get_card(self, payment):
        if payment.method != Method.CARD:
            return None
        return {"brand": payment.card_brand, "last4": payment.card_last4}

    def to_representation(self, payment):
        data = super().to_representation(payment)
        secret = self.context.get("client_secret")
        if secret and payment.state == states.REQUIRES_ACTION:
            # What Stripe.js needs to run the 3-D Secure challenge in the buyer's browser.
            data["client_secret"] = secret
        return data


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "from_state", "to_state", "amount", "cause", "actor", "reference", "reason", "created_at"]


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "payment", "amount", "reason", "note", "status", "provider_refund_id", "created_at"]


class InvoiceSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="currency_id")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "buyer",
            "deal",
            "amount",
            "currency",
            "description",
            "issued_at",
            "due_date",
            "status",
            "paid_at",
            "reminder_count",
        ]
