"""E-mail through Django's mail framework (SMTP in production and in the tests)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

from .providers import SendDeferred, SendFailed


def send(message) -> str:
    """Send one logged message; returns its Message-ID header, the id this provider knows it by."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "nzila.local"
    message_id = make_msgid(idstring=f"m{message.id}", domain=domain)
    email = EmailMessage(
        subject=message.subject, body=message.body, to=[message.recipient], headers={"Message-ID": message_id}
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendFailed("recipient_refused", str(exc)) from exc
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        code = getattr(exc, "smtp_code", 0) or 0
        if 400 <= code < 500:
            raise SendDeferred(str(code), str(exc)) from exc
        raise SendFailed(str(code or "smtp"), str(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendDeferred("smtp_unavailable", str(exc)) from exc
    return message_id
