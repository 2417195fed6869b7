"""Who may open a dealer's console: the dealer's own members, and staff. Nobody else learns it exists."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import get_object_or_404

from accounts.roles import DEALER_MEMBER, STAFF, dealers_of, has_role, refuse
from catalog.models import Dealer

CONSOLE_ROLES = (DEALER_MEMBER, STAFF)


def console_dealers(user):
    """The dealers this user may work on: all for staff, else those they are a member of."""
    if has_role(user, STAFF):
        return Dealer.objects.all()
    return dealers_of(user)


def dealer_console(view):
    """View decorator for /dealer/<dealer_id>/...: sign-in redirect for anonymous visitors, 403 for
    accounts with no console role, 404 for another dealer's console; passes the Dealer on."""

    @wraps(view)
    def wrapped(request, dealer_id: int, *args, **kwargs):
        refusal = refuse(request, CONSOLE_ROLES)
        if refusal is not None:
            return refusal
        dealer = get_object_or_404(console_dealers(request.user), pk=dealer_id)
        return view(request, dealer, *args, **kwargs)

    return wrapped
