"""Dealer admins manage who belongs to their dealer (catalog.Dealer.members)."""

from __future__ import annotations

from django.db import transaction

from . import roles


class LastAdmin(Exception):
    """Removing this person would leave the dealer with nobody to manage it."""


def members_of(dealer):
    return dealer.members.order_by("username").prefetch_related("groups")


def member_add(*, dealer, user) -> None:
    dealer.members.add(user)
    roles.forget_roles(user)


@transaction.atomic
def member_remove(*, dealer, user) -> None:
    admins = [m for m in members_of(dealer).select_for_update() if roles.DEALER_ADMIN in roles.roles_of(m)]
    if admins == [user]:
        raise LastAdmin(f"{user} is the last admin of {dealer}")
    dealer.members.remove(user)
    roles.forget_roles(user)
