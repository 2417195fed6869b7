"""One account per role (and two dealers), for the accounts tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from accounts import roles
from catalog.models import Dealer
from tests.support.factories import ensure_currencies, make_dealer

ROLE_NAMES = ("anonymous", "buyer", "member_a", "member_b", "admin_a", "broker", "analyst", "staff")


@dataclass
class People:
    dealer_a: Dealer
    dealer_b: Dealer
    users: dict[str, User | None]


def _user(username: str, *groups: str, staff: bool = False) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.test", password="pw", is_staff=staff)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_people() -> People:
    ensure_currencies()
    dealer_a, dealer_b = make_dealer(name="Dealer A"), make_dealer(name="Dealer B")
    users = {
        "anonymous": None,
        "buyer": _user("buyer", roles.BUYER),
        "member_a": _user("member_a"),
        "member_b": _user("member_b"),
        "admin_a": _user("admin_a", roles.DEALER_ADMIN),
        "broker": _user("broker", roles.BROKER),
        "analyst": _user("analyst", roles.ANALYST),
        "staff": _user("staff", "staff", staff=True),
    }
    dealer_a.members.add(users["member_a"], users["admin_a"])
    dealer_b.members.add(users["member_b"])
    return People(dealer_a=dealer_a, dealer_b=dealer_b, users=users)
