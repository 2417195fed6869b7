"""Due notifications → one message per user and channel (the batch), queued in the message log."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reliability.kicks import send_after_commit

from . import task_names
from .event_catalog import kind_of
from .models import Channel, Message, Notification
from .phones import InvalidPhone, normalise_phone
from .profiles import Profile, load_profiles


def deliver_due(
    *, now: datetime | None = None, user_ids: list[int] | None = None, max_users: int = 2000, chunk: int = 200
) -> list[int]:
    """Deliver every user's due batch (or only these users'). Returns the ids of queued messages."""
    now = now or timezone.now()
    due = Notification.objects.filter(status=Notification.Status.PENDING, deliver_after__lte=now)
    if user_ids is not None:
        due = due.filter(user_id__in=user_ids)
    users = list(due.order_by().values_list("user_id", flat=True).distinct()[:max_users])
    queued: list[int] = []
    for start in range(0, len(users), chunk):
        queued += deliver_to_users(users[start : start + chunk], now=now)
    return queued


def deliver_to_users(user_ids: list[int], *, now: datetime) -> list[int]:
    """One transaction for a chunk of users: lock their due notifications, write one message per user
    and channel, mark the notifications, and send the messages once committed."""
    with transaction.atomic():
        notes = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(user_id__in=user_ids, status=Notification.Status.PENDING, deliver_after__lte=now)
            .order_by("user_id", "created_at", "id")
        )
        if not notes:
            return []
        batches: dict[int, list[Notification]] = {}
        for note in notes:
            batches.setdefault(note.user_id, []).append(note)
        profiles = load_profiles(batches)
        messages: list[tuple[Message, list[Notification]]] = []
        skipped: list[int] = []
        dispatched: list[int] = []
        deferred: dict[datetime, list[int]] = {}
        for user_id, batch in batches.items():
            profile = profiles.get(user_id)
            ids = [n.pk for n in batch]
            if profile is None:
                skipped += ids
                continue
            # Preferences may have changed since the batch opened: quiet hours are checked again now.
            allowed = profile.next_allowed(now)
            if allowed > now:
                deferred.setdefault(allowed, []).extend(ids)
                continue
            channels = profile.push_channels()
            messages += [(compose(channel, batch, profile), batch) for channel in channels]
            (dispatched if channels else skipped).extend(ids)
        Message.objects.bulk_create([m for m, _ in messages])
        through = Message.notifications.through
        through.objects.bulk_create(
            [through(message_id=m.id, notification_id=n.id) for m, batch in messages for n in batch]
        )
        Notification.objects.filter(pk__in=dispatched).update(status=Notification.Status.DISPATCHED, dispatched_at=now)
        Notification.objects.filter(pk__in=skipped).update(status=Notification.Status.SKIPPED, dispatched_at=now)
        for allowed, ids in deferred.items():
            Notification.objects.filter(pk__in=ids).update(deliver_after=allowed)
        queued = [m.id for m, _ in messages if m.status == Message.Status.QUEUED]

        for message_id in queued:
            send_after_commit(
                task_names.SEND_MESSAGE, args=(message_id,), caught_up_by=task_names.SWEEP_QUEUED_MESSAGES
            )
    return queued


def compose(channel: str, notes: list[Notification], profile: Profile) -> Message:
    """One message for the whole batch, in the recipient's language: an approved template when it is a
    single templated event on WhatsApp, otherwise one text listing every update."""
    language = profile.message_language()
    with translation.override(language):
        return _compose(channel, notes, profile, language)


def _compose(channel: str, notes: list[Notification], profile: Profile, language: str) -> Message:
    rendered = [kind_of(n.event_type).render(n.context) for n in notes]
    if len(notes) == 1:
        subject, body = rendered[0].subject, rendered[0].summary
    else:
        subject = _("%(count)s updates from Nzila") % {"count": len(notes)}
        body = "\n".join(f"• {r.summary}" for r in rendered)
    message = Message(user_id=profile.user_id, channel=channel, subject=subject[:200], language=language)
    if channel == Channel.WHATSAPP:
        try:
            message.recipient = normalise_phone(profile.phone, profile.country or None)
        except InvalidPhone as exc:
            message.recipient = profile.phone[:254]
            message.status, message.error_code, message.error_message = Message.Status.FAILED, "invalid_phone", str(exc)
            message.failed_at = timezone.now()
        if len(notes) == 1 and rendered[0].template:
            message.template, message.template_params = rendered[0].template, list(rendered[0].params)
        message.body = body if len(notes) == 1 else _("Nzila: %(count)s updates") % {"count": len(notes)} + f"\n{body}"
    else:
        message.recipient = profile.email
        message.body = f"{body}\n\n{settings.NOTIFICATIONS_SITE_URL}/account/notifications"
    return message
