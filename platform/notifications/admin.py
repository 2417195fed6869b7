from django.contrib import admin, messages

from .models import Message, Notification, NotificationPreference, OutboxEvent, PriceWatch, SavedSearch


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "recipient",
        "template",
        "status",
        "error_code",
        "queued_at",
        "sent_at",
        "delivered_at",
        "read_at",
    )
    list_filter = ("channel", "status", "template")
    search_fields = ("recipient", "provider_message_id")
    raw_id_fields = ("user", "notifications")
    actions = ["resend"]

    @admin.action(description="Send the selected failed messages again")
    def resend(self, request, queryset):
        from .tasks import send_message

        ids = list(
            queryset.filter(status=Message.Status.FAILED, provider_message_id__isnull=True).values_list("pk", flat=True)
        )
        for message_id in ids:
            send_message.delay(message_id)
        self.message_user(request, f"Queued {len(ids)} message(s) again.", messages.SUCCESS)


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "event_type", "occurred_at", "processed_at", "attempts", "dead")
    list_filter = ("event_type", "dead")
    actions = ["retry"]

    @admin.action(description="Retry the selected events now")
    def retry(self, request, queryset):
        from django.utils import timezone

        n = queryset.filter(processed_at__isnull=True).update(dead=False, next_attempt_at=timezone.now())
        self.message_user(request, f"{n} event(s) will be dispatched again.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "event_type", "status", "deliver_after", "created_at", "dispatched_at")
    list_filter = ("event_type", "status")
    raw_id_fields = ("user", "event")


admin.site.register(NotificationPreference)
admin.site.register(SavedSearch)
admin.site.register(PriceWatch)
