from django.contrib import admin

from nzila.read_only_admin import ReadOnlyAdmin

from .models import Block, Inquiry, Referral


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    # Staff see who talked to whom and when, never what they said: threads are private.
    list_display = ("id", "dealer", "vehicle", "buyer", "delivered_at", "awaiting_since", "first_response_at")
    list_filter = ("delivered_at",)


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("dealer", "user", "created_at")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("buyer", "broker", "created_at")
