"""Adding someone to a dealer's team takes their acceptance: an admin invites an e-mail address, the
person behind it is told in the app and accepts or declines on /accounts/invitations/, before the
invitation expires. The admin learns nothing about whether an account uses the address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts import roles
from accounts.models import DealerInvitation
from notifications.models import OutboxEvent
from tests.support.accounts_people import make_people

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people():
    return make_people()


def _members_url(people) -> str:
    return f"/accounts/dealers/{people.dealer_a.pk}/members/"


def _invite(people, email: str):
    return signed_in(people.users["admin_a"]).post(_members_url(people), {"email": email}, follow=True)


def test_an_invited_account_becomes_a_member_only_by_accepting(people):
    analyst = people.users["analyst"]
    _invite(people, "Analyst@Example.test")
    assert not people.dealer_a.members.filter(pk=analyst.pk).exists()
    # Told in the app (through the notifications' outbox), with the page to answer on.
    event = OutboxEvent.objects.get(event_type="dealer_invitation", recipients__contains=[analyst.pk])
    assert event.recipients == [analyst.pk] and "/accounts/invitations/" in event.payload["summary"]
    client = signed_in(analyst)
    assert "/accounts/invitations/" in client.get("/accounts/").content.decode()
    page = client.get("/accounts/invitations/").content.decode()
    assert "Dealer A invites you to join its team" in page
    (invitation,) = DealerInvitation.objects.filter(state="pending")
    assert client.post(f"/accounts/invitations/{invitation.pk}/accept/").status_code == 302
    assert people.dealer_a.members.filter(pk=analyst.pk).exists()
    # Their new role holds at once (the roles' cache is forgotten).
    assert roles.DEALER_MEMBER in roles.roles_of(User.objects.get(pk=analyst.pk))
    # An answered invitation cannot be answered again.
    assert client.post(f"/accounts/invitations/{invitation.pk}/decline/").status_code == 404


def test_a_declined_invitation_adds_nobody(people):
    analyst = people.users["analyst"]
    _invite(people, analyst.email)
    invitation = DealerInvitation.objects.get(state="pending")
    assert signed_in(analyst).post(f"/accounts/invitations/{invitation.pk}/decline/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "declined" and not people.dealer_a.members.filter(pk=analyst.pk).exists()
    assert "No invitations are waiting" in signed_in(analyst).get("/accounts/invitations/").content.decode()


def test_only_the_invited_person_can_answer_and_only_until_it_expires(people):
    analyst, broker = people.users["analyst"], people.users["broker"]
    _invite(people, analyst.email)
    invitation = DealerInvitation.objects.get(state="pending")
    assert signed_in(broker).post(f"/accounts/invitations/{invitation.pk}/accept/").status_code == 404
    assert not people.dealer_a.members.filter(pk=broker.pk).exists()
    DealerInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = signed_in(analyst)
    assert client.post(f"/accounts/invitations/{invitation.pk}/accept/").status_code == 404
    assert not people.dealer_a.members.filter(pk=analyst.pk).exists()
    assert "No invitations are waiting" in client.get("/accounts/invitations/").content.decode()
    # Inviting again renews it: one pending invitation per address, with a fresh deadline.
    _invite(people, analyst.email)
    renewed = DealerInvitation.objects.get(state="pending")
    assert renewed.pk == invitation.pk and renewed.expires_at > timezone.now() + timedelta(days=6)


def test_the_admin_cannot_tell_whether_an_account_uses_the_address(people):
    exists = _invite(people, "analyst@example.test")
    nobody = _invite(people, "nobody-here@example.test")
    assert exists.status_code == nobody.status_code == 200
    mask = lambda r, email: r.content.decode().replace(email, "EMAIL")  # noqa: E731
    said = [m.message.replace("analyst@example.test", "EMAIL") for m in exists.context["messages"]]
    said_nobody = [m.message.replace("nobody-here@example.test", "EMAIL") for m in nobody.context["messages"]]
    assert said == said_nobody
    # Both addresses wait as invitations, alike, on the members page.
    page = mask(nobody, "nobody-here@example.test")
    assert "analyst@example.test" in page and page.count("data-invitation=") == 2
    assert not User.objects.filter(email__iexact="nobody-here@example.test").exists()
    # Someone who registers later with that address finds the invitation waiting.
    late = User.objects.create_user("late", email="nobody-here@example.test", password="pw")
    assert "Dealer A" in signed_in(late).get("/accounts/invitations/").content.decode()


def test_an_admin_withdraws_an_invitation_and_a_member_cannot_be_invited_twice(people):
    _invite(people, "analyst@example.test")
    invitation = DealerInvitation.objects.get(state="pending")
    admin = signed_in(people.users["admin_a"])
    url = f"/accounts/dealers/{people.dealer_a.pk}/invitations/{invitation.pk}/withdraw/"
    assert admin.post(url).status_code == 302
    assert signed_in(people.users["analyst"]).post(f"/accounts/invitations/{invitation.pk}/accept/").status_code == 404
    # Another dealer's admin (or a plain member) cannot withdraw or invite.
    assert signed_in(people.users["member_a"]).post(url).status_code == 403
    member = people.users["member_a"]
    answer = admin.post(_members_url(people), {"email": member.email})
    assert answer.status_code == 400 and "already" in answer.content.decode()


def test_the_pages_are_in_french(people):
    _invite(people, "analyst@example.test")
    client = signed_in(people.users["analyst"])
    page = client.get("/accounts/invitations/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Accepter" in page and "Refuser" in page and "Dealer A vous invite" in page
