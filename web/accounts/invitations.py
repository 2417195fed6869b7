"""The invitations to join a dealer's team that wait for this account's answer (/accounts/invitations/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import dealer_members


@login_required
def invitations(request):
    return render(request, "accounts/invitations.html", {"invitations": dealer_members.invitations_for(request.user)})


@require_POST
@login_required
def answer(request, invitation_id: int, action: str):
    """Accept (the account joins the dealer's members) or decline; someone else's, answered or expired: 404."""
    try:
        if action == "accept":
            invitation = dealer_members.accept(invitation_id=invitation_id, user=request.user)
            messages.success(request, _("You are now a member of %(dealer)s.") % {"dealer": invitation.dealer.name})
        else:
            invitation = dealer_members.decline(invitation_id=invitation_id, user=request.user)
            messages.success(request, _("Invitation from %(dealer)s declined.") % {"dealer": invitation.dealer.name})
    except dealer_members.InvitationGone:
        raise Http404("No such invitation.") from None
    return redirect("accounts:invitations")
