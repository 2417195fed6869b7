from django.contrib import admin

from nzila.read_only_admin import ReadOnlyAdmin

from .models import Dispute, Invoice, LedgerEntry, Payment, ProviderCallback, Refund, StripeEvent

# Payment records change only through the payment services, never by hand.


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "buyer", "purpose", "method", "provider", "state", "amount", "currency", "created_at")
    list_filter = ("state", "method", "provider", "purpose")
    search_fields = ("id", "provider_reference", "provider_transaction_id")


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
