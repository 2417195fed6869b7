"""Roles: the data migration's groups, who has which role, and where each lands after signing in."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from tests.support.accounts_people import make_people

pytestmark = pytest.mark.django_db


def test_the_migration_creates_every_role_group_with_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    for role in roles.ALL_ROLES:
        assert role in groups, role
        assert groups[role].permissions.exists(), role
    assert groups["buyer"].permissions.filter(codename="add_savedsearch").exists()
    assert groups["staff"].permissions.filter(codename="view_signinevent").exists()
    assert not groups["staff"].permissions.filter(codename="change_payment").exists()


@pytest.mark.parametrize(
    "who, expected, home",
    [
        ("buyer", {roles.BUYER}, "/"),
        ("member_a", {roles.DEALER_MEMBER}, "/dealer/"),
        ("admin_a", {roles.DEALER_MEMBER, roles.DEALER_ADMIN}, "/dealer/"),
        ("broker", {roles.BROKER}, "/broker/"),
        ("analyst", {roles.ANALYST}, "/analytics/"),
        ("staff", {roles.STAFF}, "/admin/"),
    ],
)
def test_roles_and_homes(who, expected, home):
    user = make_people().users[who]
    assert roles.roles_of(user) == expected
    assert roles.home_url(user) == home


def test_a_dealer_admin_manages_only_their_own_dealer():
    people = make_people()
    assert roles.is_admin_of_dealer(people.users["admin_a"], people.dealer_a)
    assert not roles.is_admin_of_dealer(people.users["admin_a"], people.dealer_b)
    assert not roles.is_admin_of_dealer(people.users["member_a"], people.dealer_a)
    assert roles.is_admin_of_dealer(people.users["staff"], people.dealer_b)
    assert list(roles.dealers_of(people.users["member_b"])) == [people.dealer_b]


def test_an_inactive_or_anonymous_user_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    user = make_people().users["buyer"]
    user.is_active = False
    assert roles.roles_of(user) == set()
    assert roles.roles_of(AnonymousUser()) == set()
