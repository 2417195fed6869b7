"""Due notifications → one message per user and channel (the batch), queued in the message log."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .catalog import kind_of
from .models import Channel, Message, Notification
from .phones import InvalidPhone, normalise_phone
from .profiles import Profile, load_profiles


def deliver_due(*, now: datetime | None = None, user_ids: list[int] | None = None, max_users: int = 500) -> list[int]:
    """Deliver every user's due batch (or only these users'). Returns the ids of queued messages."""
    now = now or timezone.now()
    due = Notification.objects.filter(status=Notification.Status.PENDING, deliver_after__lte=now)
    if user_ids is not None:
        due = due.filter(user_id__in=user_ids)
    users = list(due.order_by().values_list("user_id", flat=True).distinct()[:max_users])
    queued: list[int] = []
    for user_id in users:
        queued += deliver_to_user(user_id, now=now)
    return queued


def deliver_to_user(user_id: int, *, now: datetime) -> list[int]:
    with transaction.atomic():
        notes = list(Notification.objects.select_for_update(skip_locked=True)
                     .filter(user_id=user_id, status=Notification.Status.PENDING, deliver_after__lte=now)
                     .order_by("created_at", "id"))
        if not notes:
            return []
        profile = load_profiles([user_id]).get(user_id)
        if profile is None:
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(status=Notification.Status.SKIPPED)
            return []
        # Preferences may have changed since the batch opened: quiet hours are checked again now.
        allowed = profile.next_allowed(now)
        if allowed > now:
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(deliver_after=allowed)
            return []
        messages = [compose(channel, notes, profile) for channel in profile.push_channels()]
        Message.objects.bulk_create(messages)
        through = Message.notifications.through
        through.objects.bulk_create([through(message_id=m.id, notification_id=n.id) for m in messages for n in notes])
        status = Notification.Status.DISPATCHED if messages else Notification.Status.SKIPPED
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(status=status, dispatched_at=now)
        queued = [m.id for m in messages if m.status == Message.Status.QUEUED]

        def send():
            from .tasks import send_message

            for message_id in queued:
                send_message.delay(message_id)

        transaction.on_commit(send)
    return queued


def compose(channel: str, notes: list[Notification], profile: Profile) -> Message:
    """One message for the whole batch: an approved template when it is a single templated event on
    WhatsApp, otherwise one text listing every update."""
    rendered = [kind_of(n.event_type).render(n.context) for n in notes]
    if len(notes) == 1:
        subject, body = rendered[0].subject, rendered[0].summary
    else:
        subject = f"{len(notes)} updates from Nzila"
        body = "\n".join(f"• {r.summary}" for r in rendered)
    message = Message(user_id=profile.user_id, channel=channel, subject=subject[:200])
    if channel == Channel.WHATSAPP:
        try:
            message.recipient = normalise_phone(profile.phone, profile.country or None)
        except InvalidPhone as exc:
            message.recipient = profile.phone[:254]
            message.status, message.error_code, message.error_message = Message.Status.FAILED, "invalid_phone", str(exc)
            message.failed_at = timezone.now()
        if len(notes) == 1 and rendered[0].template:
            message.template, message.template_params = rendered[0].template, list(rendered[0].params)
        message.body = body if len(notes) == 1 else f"Nzila: {len(notes)} updates\n{body}"
    else:
        message.recipient = profile.email
        message.body = f"{body}\n\n{settings.NOTIFICATIONS_SITE_URL}/account/notifications"
    return message
