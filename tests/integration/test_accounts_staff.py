"""Staff: the admin's pages, names and styling (served by the app), the audit, the API docs offline."""

import re

import pytest
from django.test import Client

from accounts.models import SignInEvent
from tests.support.accounts_people import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(make_people().users["staff"])
    return client


def test_the_admin_index_names_models_in_proper_english(staff_client):
    page = staff_client.get("/admin/").content.decode()
    for name in ("Price watches", "Saved searches", "Leads", "Deals", "Shipments", "Buyers", "Search logs"):
        assert f">{name}<" in page, name
    assert "watchs" not in page and "searchs" not in page and "entrys" not in page


def test_the_admin_is_styled_by_files_the_app_serves(staff_client):
    page = staff_client.get("/admin/").content.decode()
    stylesheet = re.search(r'href="(/static/admin/css/base[^"]*\.css)"', page)
    assert stylesheet, "admin stylesheet not linked"
    css = Client().get(stylesheet.group(1))
    assert css.status_code == 200 and b"body" in b"".join(css.streaming_content if css.streaming else [css.content])


def test_staff_see_the_sign_in_audit(staff_client):
    Client().post("/accounts/login/", {"username": "buyer", "password": "wrong"})
    page = staff_client.get("/admin/accounts/signinevent/?kind__exact=failure")
    assert page.status_code == 200 and "buyer" in page.content.decode()
    assert SignInEvent.objects.filter(kind="failure", username="buyer", detail="form").exists()


def test_the_api_docs_need_no_internet():
    page = Client().get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    assert any("drf_spectacular_sidecar" in a for a in assets)
    for asset in assets:
        if asset.startswith("/static/"):
            assert Client().get(asset).status_code == 200, asset


def test_staff_give_roles_but_cannot_raise_their_own_rights():
    from django.contrib.auth.models import Group, User

    people = make_people()
    staff = people.users["staff"]
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/auth/user/{staff.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'name="groups"' in page
    broker = people.users["broker"]
    form = client.get(f"/admin/auth/user/{broker.pk}/change/").context["adminform"].form
    assert not form.fields["groups"].queryset.filter(name="staff").exists()
    data = {
        "username": "broker",
        "email": "broker@example.test",
        "is_active": "on",
        "groups": [Group.objects.get(name="broker").pk, Group.objects.get(name="analyst").pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "is_superuser": "on",
    }
    assert client.post(f"/admin/auth/user/{broker.pk}/change/", data).status_code == 302
    broker = User.objects.get(pk=broker.pk)
    assert set(broker.groups.values_list("name", flat=True)) == {"broker", "analyst"}
    assert not broker.is_superuser
