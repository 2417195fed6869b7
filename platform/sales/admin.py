from django.contrib import admin

from nzila.read_only_admin import ReadOnlyAdmin

from . import reviews
from .models import (
    CommissionEntry,
    CommissionSchedule,
    CommissionStatement,
    CommissionTier,
    Deal,
    DealerReview,
    Lead,
    Reservation,
    Shipment,
)


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "dealer", "vehicle", "source", "broker", "status", "created_at")
    list_filter = ("status", "source")
    search_fields = ("buyer__full_name", "dealer__name", "vehicle__vin")
    raw_id_fields = ("buyer", "vehicle", "dealer", "broker")
    date_hierarchy = "created_at"


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "vehicle", "stage", "agreed_price", "currency", "stage_changed_at")
    list_filter = ("stage", "currency")
    search_fields = ("buyer__full_name", "vehicle__vin")
    raw_id_fields = ("lead", "buyer", "vehicle")
    date_hierarchy = "created_at"


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("id", "deal", "origin_port", "destination_port", "carrier", "status", "eta", "delivered_at")
    list_filter = ("status", "carrier")
    search_fields = ("tracking_reference", "origin_port", "destination_port")
    raw_id_fields = ("deal",)


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    """Written by the reservation services only; staff watch deadlines and deposits owed back here
    (a refused refund also raises a staff alert, and shows as a failed refund on the payment)."""

    list_display = ("id", "vehicle", "buyer", "dealer", "state", "deposit_amount", "currency", "pay_by", "respond_by")
    list_filter = ("state",)
    search_fields = ("buyer__full_name", "vehicle__vin", "dealer__name")
    raw_id_fields = ("buyer", "vehicle", "dealer", "deal", "payment", "decided_by")
    date_hierarchy = "created_at"


@admin.register(DealerReview)
class DealerReviewAdmin(ReadOnlyAdmin):
    """Moderation: staff publish or reject reviews (the actions below, through sales.reviews, which
    keeps the dealer's rating in step); nobody edits a buyer's words."""

    list_display = ("id", "dealer", "buyer", "stars", "status", "created_at", "moderated_at")
    list_filter = ("status", "stars")
    search_fields = ("dealer__name", "buyer__full_name", "text")
    raw_id_fields = ("deal", "dealer", "buyer", "moderated_by", "answered_by")
    actions = ("publish", "reject")

    @admin.action(description="Publish the selected reviews")
    def publish(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))  # the filter may be on the status being changed
        for pk in ids:
            reviews.moderate(pk, staff_user=request.user, publish=True)
        self.message_user(request, f"{len(ids)} published")

    @admin.action(description="Reject the selected reviews")
    def reject(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))  # the filter may be on the status being changed
        for pk in ids:
            reviews.moderate(pk, staff_user=request.user, publish=False)
        self.message_user(request, f"{len(ids)} rejected")


# --- brokers' commissions ----------------------------------------------------------------------


class CommissionTierInline(admin.TabularInline):
    model = CommissionTier
    extra = 1


@admin.register(CommissionSchedule)
class CommissionScheduleAdmin(admin.ModelAdmin):
    """A new schedule is a new row with a later start: past accruals keep the rates they were made at."""

    list_display = ("name", "effective_from", "effective_until", "created_at")
    inlines = [CommissionTierInline]


# Commission entries and statements are made by the commission jobs only; corrections are new
# entries, never edits.


@admin.register(CommissionEntry)
class CommissionEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "broker", "deal", "kind", "volume_usd", "rate", "amount_usd", "period", "statement")
    list_filter = ("kind", "period")
    search_fields = ("broker__username",)
    raw_id_fields = ("broker", "deal", "refund", "statement", "tier")


@admin.register(CommissionStatement)
class CommissionStatementAdmin(ReadOnlyAdmin):
    list_display = ("id", "broker", "period_start", "period_end", "entries_count", "total_usd", "created_at")
    search_fields = ("broker__username",)
    date_hierarchy = "period_end"
