"""Brokers' referral links: `?ref=<token>` on any page (a broker shares the site or one vehicle)
remembers the broker in the visitor's session; the visitor's inquiries, their leads and the deals
that come of them are then the broker's. The token is signed, so nobody can forge a broker's."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing

from accounts.roles import BROKER, has_role

SALT = "nzila.broker-referral"
SESSION_KEY = "referral"


def referral_token(broker_id: int) -> str:
    return signing.dumps(broker_id, salt=SALT, compress=True)


def broker_of_token(token: str) -> int | None:
    try:
        broker_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=broker_id, is_active=True).first()
    return user.pk if user is not None and has_role(user, BROKER) else None


def session_broker(request) -> int | None:
    """The broker whose link brought this visitor, if within INQUIRIES_REFERRAL_DAYS."""
    kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not kept or time.time() - kept.get("at", 0) > settings.INQUIRIES_REFERRAL_DAYS * 86400:
        return None
    return kept.get("broker")


class ReferralMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.GET.get("ref") if request.method == "GET" else None
        if token and len(token) < 200 and session_broker(request) is None:
            broker_id = broker_of_token(token)
            if broker_id is not None:
                request.session[SESSION_KEY] = {"broker": broker_id, "at": time.time()}
        return self.get_response(request)
