"""One-time codes that prove a person holds a phone number or an e-mail address.

A code is six digits, kept only as an HMAC (keyed by SECRET_KEY), valid for
NOTIFICATIONS_CODE_TTL_SECONDS and for NOTIFICATIONS_CODE_MAX_ATTEMPTS wrong tries; asking for a new
code kills the earlier ones, and an address gets at most NOTIFICATIONS_CODES_PER_ADDRESS_HOUR codes
an hour (so nobody can use the platform to flood someone's phone). One in a million per try and five
tries per code: guessing needs about 200,000 codes, which the hourly cap puts out of reach.

The code is sent at once, as one logged message (the message log, the send task and its retries),
not through the outbox's batching window and quiet hours: the person asked for it a second ago and
is waiting for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reliability.kicks import send_after_commit

from . import task_names
from .models import Channel, ContactConfirmation, Message


class TooManyCodes(Exception):
    """This address was sent its hourly share of codes."""


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    # Why not: "wrong" (tries are left), "expired", "exhausted" (no tries left), "none" (no code).
    reason: str = ""
    tries_left: int = 0


def _digest(confirmation_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{confirmation_id}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(
    *, purpose: str, channel: str, address: str, subject_id: int, user_id: int | None = None
) -> ContactConfirmation:
    """Make a code for (purpose, subject), log the message that carries it and send it after commit.

    `address` is already normalised (E.164, or a lower-cased e-mail). Raises TooManyCodes."""
    now = timezone.now()
    with transaction.atomic():
        recent = ContactConfirmation.objects.filter(address=address, created_at__gte=now - timedelta(hours=1))
        if recent.count() >= settings.NOTIFICATIONS_CODES_PER_ADDRESS_HOUR:
            raise TooManyCodes(address)
        # A new code replaces the subject's earlier ones.
        ContactConfirmation.objects.filter(purpose=purpose, subject_id=subject_id, confirmed_at__isnull=True).update(
            expires_at=now
        )
        code = f"{secrets.randbelow(10**6):06d}"
        row = ContactConfirmation.objects.create(
            purpose=purpose,
            channel=channel,
            address=address,
            subject_id=subject_id,
            code_hmac="",
            expires_at=now + timedelta(seconds=settings.NOTIFICATIONS_CODE_TTL_SECONDS),
        )
        row.code_hmac = _digest(row.pk, code)
        text = _(
            "Your Nzila code is %(code)s. It expires in %(minutes)d minutes. Nobody from Nzila will ask you for it."
        ) % {
            "code": code,
            "minutes": settings.NOTIFICATIONS_CODE_TTL_SECONDS // 60,
        }
        message = Message.objects.create(
            user_id=user_id,
            channel=channel,
            recipient=address,
            subject=_("Your Nzila code"),
            body=text,
            template="verification_code" if channel == Channel.WHATSAPP else "",
            template_params=[code] if channel == Channel.WHATSAPP else [],
        )
        row.message = message
        row.save(update_fields=["code_hmac", "message"])
        send_after_commit(task_names.SEND_MESSAGE, args=(message.pk,), caught_up_by=task_names.SWEEP_QUEUED_MESSAGES)
    return row


def check_code(*, purpose: str, subject_id: int, code: str) -> CheckResult:
    """Check a code typed for (purpose, subject) against its latest live code; counts the try."""
    code = (code or "").strip().replace(" ", "")
    now = timezone.now()
    with transaction.atomic():
        row = (
            ContactConfirmation.objects.select_for_update()
            .filter(purpose=purpose, subject_id=subject_id, confirmed_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            return CheckResult(False, "none")
        limit = settings.NOTIFICATIONS_CODE_MAX_ATTEMPTS
        if row.attempts >= limit:
            return CheckResult(False, "exhausted")
        if row.expires_at <= now:
            return CheckResult(False, "expired")
        row.attempts += 1
        good = len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_hmac, _digest(row.pk, code))
        if good:
            row.confirmed_at = now
        row.save(update_fields=["attempts", "confirmed_at"])
        if good:
            return CheckResult(True)
        left = limit - row.attempts
        return CheckResult(False, "wrong" if left else "exhausted", left)
