"""Who may see what beyond public search: a dealer's own people, analysts, staff (roles: accounts.roles).

Anonymous requests fail `is_authenticated` first, so DRF answers 401 (with `WWW-Authenticate`); a
signed-in user without the role gets 403."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from accounts import roles

# Kept for callers that put people in the analysts' group by name.
ANALYST_GROUP = roles.ANALYST


def _signed_in(request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated)


class HasRole(BasePermission):
    """Subclass with `roles = (...)`, or use `has_role(...)`."""

    roles: tuple[str, ...] = ()
    message = "Your account's role does not allow this."

    def has_permission(self, request, view) -> bool:
        return _signed_in(request) and roles.has_role(request.user, *self.roles)


def has_role(*allowed: str) -> type[HasRole]:
    """A DRF permission class letting through users with any of these roles."""
    return type(f"HasRole_{'_'.join(allowed)}", (HasRole,), {"roles": allowed})


class IsStaff(HasRole):
    roles = (roles.STAFF,)
    message = "Only staff may do this."


class IsDealerMemberOrStaff(BasePermission):
    """The dealer in the URL (`dealer_id`) counts this user among its members, or the user is staff."""

    message = "Only this dealer's members and staff may see its inventory."

    def has_permission(self, request, view) -> bool:
        if not _signed_in(request):
            return False
        held = roles.roles_of(request.user)
        if roles.STAFF in held:
            return True
        if not held & {roles.DEALER_MEMBER, roles.DEALER_ADMIN}:
            return False
        return roles.dealers_of(request.user).filter(pk=view.kwargs["dealer_id"]).exists()


class IsAnalystOrStaff(HasRole):
    roles = (roles.ANALYST, roles.STAFF)
    message = "Analytics are for staff and analysts."


class IsLeadDealerMemberOrStaff(BasePermission):
    """The lead in the URL (`lead_id`) belongs to a dealer this user is a member of, or the user is staff.

    An unknown lead passes here, so the view answers 404 rather than 403 for it.
    """

    message = "Only the lead's dealer members and staff may see its score."

    def has_permission(self, request, view) -> bool:
        from sales.models import Lead

        if not _signed_in(request):
            return False
        if roles.STAFF in roles.roles_of(request.user):
            return True
        dealer_id = Lead.objects.filter(pk=view.kwargs["lead_id"]).values_list("dealer_id", flat=True).first()
        return dealer_id is None or roles.dealers_of(request.user).filter(pk=dealer_id).exists()
