"""Who may see what beyond public search: a dealer's own people, analysts, staff."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from catalog.models import Dealer

ANALYST_GROUP = "analyst"


class IsDealerMemberOrStaff(BasePermission):
    """The dealer in the URL (`dealer_id`) counts this user among its members, or the user is staff."""

    message = "Only this dealer's members and staff may see its inventory."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_staff:
            return True
        return Dealer.members.through.objects.filter(dealer_id=view.kwargs["dealer_id"], user_id=user.pk).exists()


class IsAnalystOrStaff(BasePermission):
    message = "Analytics are for staff and the analyst group."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_staff or user.groups.filter(name=ANALYST_GROUP).exists()


class IsLeadDealerMemberOrStaff(BasePermission):
    """The lead in the URL (`lead_id`) belongs to a dealer that counts this user among its members, or staff.

    An unknown lead passes here, so the view answers 404 rather than 403 for it.
    """

    message = "Only the lead's dealer members and staff may see its score."

    def has_permission(self, request, view) -> bool:
        from sales.models import Lead

        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_staff:
            return True
        dealer_id = Lead.objects.filter(pk=view.kwargs["lead_id"]).values_list("dealer_id", flat=True).first()
        if dealer_id is None:
            return True
        return Dealer.members.through.objects.filter(dealer_id=dealer_id, user_id=user.pk).exists()
