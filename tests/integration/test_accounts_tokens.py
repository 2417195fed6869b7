"""API tokens: made and revoked by their holder, limited to its roles; 401 vs 403; no Basic auth."""

import base64

import pytest
from django.test import Client

from accounts.models import ApiToken, SignInEvent
from accounts.tokens import token_create
from tests.support.accounts_people import make_people

pytestmark = pytest.mark.django_db


def token_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


def test_a_token_works_until_revoked_then_gets_401():
    people = make_people()
    analyst = people.users["analyst"]
    _token, secret = token_create(user=analyst, name="notebook")
    client = token_client(secret)
    listed = client.get("/api/v1/auth/tokens")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["name"] == "notebook" and row["roles"] == ["analyst"] and "token" not in row
    assert client.get("/api/v1/saved-searches").status_code == 200

    assert client.delete(f"/api/v1/auth/tokens/{row['id']}").status_code == 204
    gone = client.get("/api/v1/saved-searches")
    assert gone.status_code == 401 and gone.headers["WWW-Authenticate"] == "Token"
    kinds = list(SignInEvent.objects.filter(user=analyst).values_list("kind", flat=True))
    assert {"token_created", "token_revoked"} <= set(kinds)


def test_a_token_of_the_wrong_role_gets_403():
    people = make_people()
    _token, secret = token_create(user=people.users["buyer"], name="script")
    assert token_client(secret).get("/api/v1/ops/jobs").status_code == 403
    assert token_client(secret).get(f"/api/v1/dealers/{people.dealer_a.pk}/inventory").status_code == 403


def test_a_token_never_gains_a_role_its_holder_gets_later():
    people = make_people()
    buyer = people.users["buyer"]
    _token, secret = token_create(user=buyer, name="script")
    buyer.is_staff = True
    buyer.save()
    response = token_client(secret).get("/api/v1/ops/jobs")
    assert response.status_code == 401 and "before its holder became staff" in response.json()["error"]["message"]


def test_a_password_is_exchanged_once_for_a_token():
    people = make_people()
    anonymous = Client()
    made = anonymous.post(
        "/api/v1/auth/tokens",
        {"name": "dms", "username": "member_a", "password": "pw"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert "no-store" in made["Cache-Control"]  # a token is shown once and never cached
    secret = made.json()["token"]
    assert secret.startswith("nzila_")
    assert token_client(secret).get(f"/api/v1/dealers/{people.dealer_a.pk}/inventory").status_code in (200, 503)
    assert token_client(secret).get(f"/api/v1/dealers/{people.dealer_b.pk}/inventory").status_code == 403
    wrong = anonymous.post(
        "/api/v1/auth/tokens",
        {"name": "dms", "username": "member_a", "password": "nope"},
        content_type="application/json",
    )
    assert wrong.status_code == 401
    assert ApiToken.objects.filter(user=people.users["member_a"]).count() == 1


def test_the_token_page_makes_shows_once_and_revokes():
    people = make_people()
    client = Client()
    client.force_login(people.users["broker"])
    page = client.post("/accounts/tokens/", {"name": "crm"})
    assert page.status_code == 200
    secret = page.context["new_secret"]
    assert secret and secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]  # a token is shown once and never cached
    assert secret not in client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=people.users["broker"])
    assert token_client(secret).get("/api/v1/auth/tokens").status_code == 200
    assert client.post(f"/accounts/tokens/{token.uid}/revoke/").status_code == 302
    assert token_client(secret).get("/api/v1/auth/tokens").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Basic " + base64.b64encode(b"a\x00b:pw").decode(),  # NUL in the username
        "Basic " + base64.b64encode(b"buyer:pw").decode(),  # Basic auth is not accepted at all
        "Token nzila_\x00abc",
        "Token nzila_" + "é",
        "Token",
        "Token a b",
        "Token " + "f" * 300,
    ],
)
def test_bad_credentials_get_401_never_500(header):
    make_people()
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/saved-searches")
    assert response.status_code == 401, (header, response.status_code)


def test_nul_in_a_password_exchange_is_a_400_naming_the_field():
    response = Client().post(
        "/api/v1/auth/tokens", {"name": "x", "username": "a\x00b", "password": "pw"}, content_type="application/json"
    )
    assert response.status_code == 400 and "username" in response.content.decode()


def test_a_staff_or_analyst_token_reaches_what_its_role_allows():
    people = make_people()
    _token, staff_secret = token_create(user=people.users["staff"], name="ops")
    assert token_client(staff_secret).get("/api/v1/ops/jobs").status_code == 200
    _token, analyst_secret = token_create(user=people.users["analyst"], name="nb")
    assert token_client(analyst_secret).get("/api/v1/analytics/prices").status_code in (200, 503)
    assert token_client(analyst_secret).get("/api/v1/ops/jobs").status_code == 403


def test_a_token_loses_a_role_its_holder_loses():
    people = make_people()
    member = people.users["member_a"]
    _token, secret = token_create(user=member, name="dms")
    url = f"/api/v1/dealers/{people.dealer_a.pk}/inventory"
    assert token_client(secret).get(url).status_code in (200, 503)
    people.dealer_a.members.remove(member)
    assert token_client(secret).get(url).status_code == 401  # its only role is gone
