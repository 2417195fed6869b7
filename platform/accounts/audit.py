"""The sign-in audit: every sign-in, failure, lockout, sign-out and API token change, as SignInEvent rows.

Django's auth signals cover the sign-in form, the admin's and the API's password exchange alike, since
all of them go through `django.contrib.auth.authenticate`/`login`; django-axes signals lockouts."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SignInEvent


def _where(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "form" if path else ""


def record(kind: str, *, request=None, user=None, username: str = "", detail: str = "") -> SignInEvent:
    meta = getattr(request, "META", {}) if request is not None else {}
    return SignInEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:255],
        detail=(detail or _where(request))[:200],
    )


@receiver(user_logged_in, dispatch_uid="accounts.audit.signed_in")
def _signed_in(sender, request, user, **kwargs):
    record(SignInEvent.Kind.SUCCESS, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.audit.signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(SignInEvent.Kind.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.audit.failed")
def _failed(sender, credentials, request=None, **kwargs):
    # A locked-out attempt is recorded once, as the lockout, not also as a failure.
    if getattr(request, "axes_locked_out", False):
        return
    record(SignInEvent.Kind.FAILURE, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="accounts.audit.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(SignInEvent.Kind.LOCKOUT, request=request, username=str(username or ""))
