"""The account pages: registration, sign-in homes, password reset by mail, a buyer's saved searches,
price watches and notification settings, a dealer admin's members."""

import re
from urllib.parse import parse_qs

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts import roles
from accounts.models import DealerInvitation
from notifications.models import NotificationPreference, PriceWatch, SavedSearch
from tests.support.accounts_people import make_people
from tests.support.factories import make_vehicle
from tests.support.signin_counts import clean_signin_counts  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_registration_makes_a_signed_in_buyer(clean_signin_counts):
    client = Client()
    response = client.post(
        "/accounts/register/",
        {
            "username": "amina",
            "email": "amina@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    (link,) = re.findall(r"https?://[^/\s]+(/accounts/register/\S+/)", mail.outbox[-1].body)
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = User.objects.get(username="amina")
    assert roles.roles_of(user) == {roles.BUYER} and user.groups.filter(name="buyer").exists()
    assert client.get("/accounts/").status_code == 200


def test_registration_errors_name_the_field(clean_signin_counts):
    make_people()
    response = Client().post(
        "/accounts/register/", {"username": "x", "email": "buyer@example.test", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 400
    # The taken e-mail is not named (that would tell anyone who has an account): only the e-mail's owner hears of it.
    assert set(response.context["form"].errors) == {"password2"}


@pytest.mark.parametrize(
    "who, home",
    [
        ("buyer", "/"),
        ("member_a", "/dealer/"),
        ("broker", "/broker/"),
        ("analyst", "/analytics/"),
        ("staff", "/admin/"),
    ],
)
def test_signing_in_lands_on_the_roles_home(who, home):
    make_people()
    response = Client().post("/accounts/login/", {"username": who, "password": "pw"})
    assert response.status_code == 302 and response.headers["Location"] == home


def test_sign_in_keeps_a_safe_next_and_drops_a_foreign_one():
    make_people()
    ok = Client().post(
        "/accounts/login/?next=/accounts/tokens/", {"username": "buyer", "password": "pw", "next": "/accounts/tokens/"}
    )
    assert ok.headers["Location"] == "/accounts/tokens/"
    evil = Client().post("/accounts/login/", {"username": "buyer", "password": "pw", "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/"


def test_password_reset_mails_a_link_that_works():
    make_people()
    assert Client().post("/accounts/password-reset/", {"email": "buyer@example.test"}).status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "n3w-pass-phrase!", "new_password2": "n3w-pass-phrase!"}
    )
    assert done.status_code == 302
    assert Client().post("/accounts/login/", {"username": "buyer", "password": "n3w-pass-phrase!"}).status_code == 302


def test_a_buyer_pauses_resumes_and_deletes_a_saved_search():
    buyer = make_people().users["buyer"]
    search = SavedSearch.objects.create(user=buyer, name="Hilux in Kenya", params={"make": ["Toyota"]})
    client = signed_in(buyer)
    assert "Hilux in Kenya" in client.get("/accounts/saved-searches/").content.decode()
    client.post(f"/accounts/saved-searches/{search.pk}/pause/")
    assert not SavedSearch.objects.get(pk=search.pk).active
    client.post(f"/accounts/saved-searches/{search.pk}/resume/")
    assert SavedSearch.objects.get(pk=search.pk).active
    assert client.post(f"/accounts/saved-searches/{search.pk}/explode/").status_code == 404
    assert client.get(f"/accounts/saved-searches/{search.pk}/delete/").status_code == 405
    client.post(f"/accounts/saved-searches/{search.pk}/delete/")
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_a_saved_search_reads_as_its_filters_and_links_to_its_results():
    buyer = make_people().users["buyer"]
    SavedSearch.objects.create(
        user=buyer,
        name="Diesel Hilux",
        params={"q": "hilux", "make": "Toyota", "fuel": ["diesel"], "price_max": 40000, "currency": "USD"},
    )
    page = signed_in(buyer).get("/accounts/saved-searches/")
    row = page.context["searches"][0]
    assert row["chips"] == ["“hilux”", "Toyota", "Diesel", "Price: ≤ 40,000\xa0USD"]
    path, _, query = row["results_url"].partition("?")
    assert path == "/"
    assert parse_qs(query) == {
        "q": ["hilux"],
        "make": ["Toyota"],
        "fuel": ["diesel"],
        "price_max": ["40000"],
        "currency": ["USD"],
    }
    assert "fuel:" not in page.content.decode()


def test_nobody_touches_another_buyers_saved_search_or_watch():
    people = make_people()
    search = SavedSearch.objects.create(user=people.users["buyer"], name="mine", params={"q": "x"})
    watch = PriceWatch.objects.create(user=people.users["buyer"], vehicle=make_vehicle())
    other = signed_in(people.users["broker"])
    assert other.post(f"/accounts/saved-searches/{search.pk}/delete/").status_code == 404
    assert other.post(f"/accounts/price-watches/{watch.pk}/delete/").status_code == 404
    assert "mine" not in other.get("/accounts/saved-searches/").content.decode()


def test_a_buyer_manages_price_watches():
    buyer = make_people().users["buyer"]
    watch = PriceWatch.objects.create(user=buyer, vehicle=make_vehicle(make="Nissan", model="Navara"))
    client = signed_in(buyer)
    assert "Navara" in client.get("/accounts/price-watches/").content.decode()
    client.post(f"/accounts/price-watches/{watch.pk}/pause/")
    assert not PriceWatch.objects.get(pk=watch.pk).active
    client.post(f"/accounts/price-watches/{watch.pk}/delete/")
    assert not PriceWatch.objects.filter(pk=watch.pk).exists()


def test_notification_settings_are_validated_and_saved():
    buyer = make_people().users["buyer"]
    client = signed_in(buyer)
    form = {
        "email_enabled": "on",
        "quiet_start": "22:00",
        "quiet_end": "06:00",
        "time_zone": "Mars/Olympus",
        "phone_e164": "12",
    }
    bad = client.post("/accounts/notifications/", form)
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"time_zone", "phone_e164"}
    good = client.post(
        "/accounts/notifications/", {**form, "time_zone": "Africa/Lagos", "phone_e164": "+234 803 123 4567"}
    )
    assert good.status_code == 302
    pref = NotificationPreference.objects.get(user=buyer)
    assert (pref.whatsapp_enabled, pref.email_enabled, pref.time_zone, pref.phone_e164) == (
        False,
        True,
        "Africa/Lagos",
        "+2348031234567",
    )


def test_a_dealer_admin_adds_and_removes_members_of_their_dealer_only():
    people = make_people()
    admin = signed_in(people.users["admin_a"])
    url = f"/accounts/dealers/{people.dealer_a.pk}/members/"
    assert admin.post(url, {"email": "not an address"}).status_code == 400
    assert admin.post(url, {"email": "BROKER@example.test"}).status_code == 302
    broker = people.users["broker"]
    # Invited, not added: the broker joins by accepting.
    assert not people.dealer_a.members.filter(username="broker").exists()
    (invitation,) = DealerInvitation.objects.filter(dealer=people.dealer_a, email__iexact=broker.email)
    assert signed_in(broker).post(f"/accounts/invitations/{invitation.pk}/accept/").status_code == 302
    assert people.dealer_a.members.filter(username="broker").exists()
    assert admin.post(f"{url}{broker.pk}/remove/").status_code == 302
    assert not people.dealer_a.members.filter(username="broker").exists()
    # Another dealer's members: not found, nothing changes.
    other = f"/accounts/dealers/{people.dealer_b.pk}/members/"
    assert admin.post(other, {"email": "broker@example.test"}).status_code == 404
    assert admin.post(f"{other}{people.users['member_b'].pk}/remove/").status_code == 404
    assert people.dealer_b.members.filter(username="member_b").exists()
    # A plain member cannot manage.
    assert signed_in(people.users["member_a"]).post(url, {"email": "broker@example.test"}).status_code == 403


def test_the_last_dealer_admin_cannot_be_removed():
    people = make_people()
    admin_a = people.users["admin_a"]
    client = signed_in(admin_a)
    client.post(f"/accounts/dealers/{people.dealer_a.pk}/members/{admin_a.pk}/remove/")
    assert people.dealer_a.members.filter(pk=admin_a.pk).exists()


def test_pages_are_in_french_too():
    page = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/accounts/login/")
    text = page.content.decode()
    assert "Se connecter" in text and "Mot de passe oublié ?" in text and "Créer un compte acheteur" in text


def test_out_of_range_ids_are_404_not_500():
    client = signed_in(make_people().users["staff"])
    assert client.get("/accounts/dealers/99999999999999999999999/members/").status_code == 404
    assert client.post("/accounts/saved-searches/99999999999999999999999/pause/").status_code == 404
    assert client.post("/accounts/tokens/00000000-0000-0000-0000-000000000000/revoke/").status_code == 404


def test_the_overview_names_the_roles_in_the_visitors_language():
    people = make_people()
    client = signed_in(people.users["admin_a"])
    page = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Membre d’un concessionnaire" in page and "Administrateur d’un concessionnaire" in page
    assert f"/accounts/dealers/{people.dealer_a.pk}/members/" in page
