"""The roles people have on Nzila, and the one place that decides who has which.

A role is a Django group of the same name (created with its permissions by a data migration), except
for two facts the database already records elsewhere:
- dealer member: the user is among a dealer's `catalog.Dealer.members`;
- staff: `user.is_staff` (Django's own flag, which also opens the admin site).
A dealer admin is a dealer member in the `dealer_admin` group; they manage the members of the dealers
they belong to. Any signed-in account with no other role is a buyer, so accounts created before roles
existed (and the tests' plain users) keep buying.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

BUYER = "buyer"
DEALER_MEMBER = "dealer_member"
DEALER_ADMIN = "dealer_admin"
BROKER = "broker"
ANALYST = "analyst"
STAFF = "staff"

ALL_ROLES = (BUYER, DEALER_MEMBER, DEALER_ADMIN, BROKER, ANALYST, STAFF)
# What people read for each role (pages, the admin).
ROLE_LABELS = {
    BUYER: _("Buyer"),
    DEALER_MEMBER: _("Dealer member"),
    DEALER_ADMIN: _("Dealer admin"),
    BROKER: _("Broker"),
    ANALYST: _("Analyst"),
    STAFF: _("Staff"),
}
# Roles held by membership in the group of that name (the others come from other facts, see above).
GROUP_ROLES = (BUYER, DEALER_ADMIN, BROKER, ANALYST)

# Where each role lands after signing in; the first role a user has in this order wins.
HOMES = (
    (STAFF, "/admin/"),
    (ANALYST, "/analytics/"),
    (BROKER, "/broker/"),
    (DEALER_ADMIN, "/dealer/"),
    (DEALER_MEMBER, "/dealer/"),
    (BUYER, "/"),
)

# Roles are computed once per user object (i.e. once per request) and kept on it.
_CACHE_ATTR = "_nzila_roles"


def dealers_of(user) -> QuerySet:
    """The dealers this user is a member of (none for anonymous visitors)."""
    from catalog.models import Dealer

    if not (user and user.is_authenticated):
        return Dealer.objects.none()
    return Dealer.objects.filter(members=user)


def roles_of(user) -> set[str]:
    """Every role this user has; empty for anonymous visitors and inactive accounts."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return set(cached)
    roles = set(user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True))
    if user.is_staff or user.is_superuser:
        roles.add(STAFF)
    if dealers_of(user).exists():
        roles.add(DEALER_MEMBER)
    else:
        # Administering a dealer means administering one you belong to.
        roles.discard(DEALER_ADMIN)
    if not roles:
        roles.add(BUYER)
    setattr(user, _CACHE_ATTR, frozenset(roles))
    return set(roles)


def limit_roles(user, allowed: set[str]) -> None:
    """Narrow this user object's roles for the rest of the request (an API token's scope)."""
    setattr(user, _CACHE_ATTR, frozenset(roles_of(user) & allowed))


def forget_roles(user) -> None:
    """Drop the roles kept on this user object (after changing its groups or memberships)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, *roles: str) -> bool:
    """The user has at least one of these roles."""
    return bool(roles_of(user) & set(roles))


def home_url(user) -> str:
    """The page this user lands on after signing in."""
    roles = roles_of(user)
    for role, url in HOMES:
        if role in roles:
            return url
    return "/"


def is_admin_of_dealer(user, dealer) -> bool:
    """This user may manage the members of this dealer (a dealer admin belonging to it, or staff)."""
    roles = roles_of(user)
    if STAFF in roles:
        return True
    return DEALER_ADMIN in roles and dealers_of(user).filter(pk=getattr(dealer, "pk", dealer)).exists()


def role_required(*roles: str):
    """View decorator: anonymous visitors go to the sign-in page; signed-in users without one of
    `roles` get the 403 page. Use it on function views, or on a class-based view's `dispatch`
    (or use `RoleRequiredMixin`)."""
    unknown = set(roles) - set(ALL_ROLES)
    if unknown or not roles:
        raise ValueError(f"role_required needs known roles, got {sorted(roles)}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = refuse(request, roles)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def refuse(request, roles):
    """None if the request's user has one of `roles`; else the sign-in redirect for anonymous
    visitors, or PermissionDenied (Django's 403 page) for signed-in users."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, *roles):
        raise PermissionDenied("Your account does not have access to this page.")
    return None


class RoleRequiredMixin:
    """Class-based view mixin: set `required_roles = (DEALER_MEMBER, STAFF)`; same answers as
    `role_required`."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not self.required_roles:
            raise ValueError(f"{type(self).__name__}.required_roles is empty")
        refusal = refuse(request, self.required_roles)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)
