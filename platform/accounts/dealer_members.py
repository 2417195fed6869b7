"""Dealer admins manage who belongs to their dealer (catalog.Dealer.members).

Nobody is made a member by someone else: an admin invites an e-mail address, and the person behind it
accepts or declines the invitation (on /accounts/invitations/, told by an in-app notification) before
it expires. The admin's answer is the same whether or not an account uses the address, so the form
reveals no more than password reset does."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from notifications.events import emit

from . import roles
from .models import DealerInvitation

# How long an invitation can be accepted.
INVITATION_LIFETIME = timedelta(days=7)
INVITATION_EVENT = "dealer_invitation"


class LastAdmin(Exception):
    """Removing this person would leave the dealer with nobody to manage it."""


class AlreadyMember(Exception):
    """The address is a member's already (the admin sees the members, so saying so reveals nothing)."""


class InvitationGone(Exception):
    """No open invitation of this person's by that id: answered, withdrawn, expired or someone else's."""


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


def _open():
    return DealerInvitation.objects.filter(state=DealerInvitation.State.PENDING, expires_at__gt=timezone.now())


def pending_invitations(dealer):
    """The dealer's invitations still waiting for an answer, newest first."""
    return _open().filter(dealer=dealer).order_by("-created_at")


def invitations_for(user):
    """The open invitations addressed to this account's e-mail address."""
    if not user.email:
        return DealerInvitation.objects.none()
    return _open().filter(email__iexact=user.email).select_related("dealer", "invited_by").order_by("-created_at")


@transaction.atomic
def invite(*, dealer, email: str, invited_by) -> DealerInvitation:
    """Invite the address to the dealer's members (again: the pending invitation is renewed). Whoever
    has an account with that address is told in the app; nothing tells the admin whether anyone has."""
    email = email.strip()
    if dealer.members.filter(email__iexact=email).exists():
        raise AlreadyMember(email)
    expires_at = timezone.now() + INVITATION_LIFETIME
    invitation = (
        DealerInvitation.objects.select_for_update()
        .filter(dealer=dealer, email__iexact=email, state=DealerInvitation.State.PENDING)
        .first()
    )
    if invitation is None:
        invitation = DealerInvitation.objects.create(
            dealer=dealer, email=email, invited_by=invited_by, expires_at=expires_at
        )
    else:
        invitation.invited_by, invitation.expires_at = invited_by, expires_at
        invitation.save(update_fields=["invited_by", "expires_at"])
    invitees = list(get_user_model().objects.filter(email__iexact=email, is_active=True).values_list("pk", flat=True))
    if invitees:
        link = f"{settings.NOTIFICATIONS_SITE_URL}/accounts/invitations/"
        summary = f"{dealer.name} invites you to join its team on Nzila. Accept or decline: {link}"
        emit(
            INVITATION_EVENT,
            {"summary": summary, "subject": f"{dealer.name} invites you", "invitation_id": invitation.pk},
            recipients=invitees,
        )
    return invitation


def _take(invitation_id: int, user) -> DealerInvitation:
    invitation = invitations_for(user).select_for_update(of=("self",)).filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationGone(invitation_id)
    return invitation


def _answer(invitation: DealerInvitation, state: str, user) -> None:
    invitation.state, invitation.answered_at, invitation.answered_by = state, timezone.now(), user
    invitation.save(update_fields=["state", "answered_at", "answered_by"])


@transaction.atomic
def accept(*, invitation_id: int, user) -> DealerInvitation:
    """The invited person joins the dealer's members."""
    invitation = _take(invitation_id, user)
    member_add(dealer=invitation.dealer, user=user)
    _answer(invitation, DealerInvitation.State.ACCEPTED, user)
    return invitation


@transaction.atomic
def decline(*, invitation_id: int, user) -> DealerInvitation:
    invitation = _take(invitation_id, user)
    _answer(invitation, DealerInvitation.State.DECLINED, user)
    return invitation


@transaction.atomic
def withdraw(*, dealer, invitation_id: int, user) -> None:
    """An admin takes back an invitation not yet answered."""
    invitation = pending_invitations(dealer).select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationGone(invitation_id)
    _answer(invitation, DealerInvitation.State.WITHDRAWN, user)
