from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from nzila.read_only_admin import ReadOnlyAdmin

from . import fx_pause
from .models import Dispute, ExchangeRate, Invoice, LedgerEntry, Payment, ProviderCallback, Refund, StripeEvent


def _warn_of_fx_pause(request) -> None:
    """The staleness pause at the top of the page, so staff see it before a buyer reports it."""
    summary = fx_pause.paused_summary()
    if summary:
        messages.warning(request, summary)


# Payment records change only through the payment services, never by hand.


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    # The state and amount first: on a phone the later columns are off to the side.
    list_display = ("id", "state", "amount", "currency", "method", "provider", "purpose", "buyer", "created_at")
    list_filter = ("state", "method", "provider", "purpose")
    search_fields = ("id", "provider_reference", "provider_transaction_id")

    def changelist_view(self, request, extra_context=None):
        _warn_of_fx_pause(request)
        return super().changelist_view(request, extra_context)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    """Per currency mobile money collects in: its rate, its date and source, and whether it is paused."""

    # The reason first after the code: on a phone the later columns are off to the side.
    list_display = ("code", "mobile_money", "rate_date", "rate", "source")
    ordering = ("code",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(code__in=fx_pause.mobile_money_currencies())

    def changelist_view(self, request, extra_context=None):
        _warn_of_fx_pause(request)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("mobile money"))
    def mobile_money(self, obj) -> str:
        return fx_pause.state_of(obj).reason

    @admin.display(description=_("rate of"), ordering="rate_updated_at")
    def rate_date(self, obj):
        return obj.rate_updated_at

    @admin.display(description=_("units per US dollar"))
    def rate(self, obj):
        return obj.units_per_usd

    @admin.display(description=_("source"))
    def source(self, obj) -> str:
        return obj.rate_source


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("payment", "from_state", "to_state", "amount", "cause", "actor", "reference", "created_at")
    list_filter = ("cause", "to_state")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "payment", "amount", "reason", "status", "provider_refund_id", "created_at")


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("provider_dispute_id", "payment", "amount", "reason", "status", "evidence_due_by")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "created", "received_at", "outcome")


@admin.register(ProviderCallback)
class ProviderCallbackAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider", "payment", "claimed_status", "confirmed_status", "outcome", "received_at")


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "buyer", "amount", "currency", "due_date", "status", "reminder_count")
    list_filter = ("status",)
