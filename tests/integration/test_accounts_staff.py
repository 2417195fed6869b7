"""Staff: the admin's pages, names and styling (served by the app), the audit, the API docs offline."""

import re

import pytest
from django.test import Client

from accounts.models import SignInEvent
from tests.integration.accounts_people import make_people

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
