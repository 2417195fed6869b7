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
