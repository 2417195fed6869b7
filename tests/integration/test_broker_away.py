"""The broker away when a write commits: the request still succeeds, the row is kept, and the sweep
named for that work finds it (a photo's variants, a verification code's message, a saved search's
registration with the engine)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.services import send_dealer_phone_code
from media.models import Photo
from media.processing import stale_photo_ids
from notifications.models import Message
from notifications.percolator import resync_changed_since
from notifications.sending import stale_queued_message_ids
from search.client import get_client
from search.indexes import saved_searches_alias
from tests.support import photos as files
from tests.support.factories import make_dealer, make_vehicle
from tests.support.notification_support import clean_percolator, make_buyer  # noqa: F401
from tests.support.outages import broker_away  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_photo_uploaded_while_the_broker_is_away_is_kept_for_the_sweep(broker_away, django_user_model, settings):
    dealer, vehicle = make_dealer(), None
    vehicle = make_vehicle(dealer=dealer)
    user = django_user_model.objects.create_user("away-dealer", password="x")
    dealer.members.add(user)
    api = APIClient()
    api.force_authenticate(user)
    photo = SimpleUploadedFile("front.jpg", files.jpeg(800, 600), content_type="image/jpeg")
    answer = api.post(
        f"/api/v1/dealers/{dealer.pk}/vehicles/{vehicle.pk}/photos", {"photos": [photo]}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    pending = Photo.objects.get(vehicle=vehicle)
    assert pending.status == Photo.Status.PENDING
    settings.PHOTOS_STALE_SECONDS = 0
    assert pending.pk in stale_photo_ids()


def test_a_code_asked_for_while_the_broker_is_away_is_sent_by_the_sweep(broker_away, settings):
    buyer = make_buyer()
    dealer = make_dealer(phone="+254711000222")
    with transaction.atomic():
        send_dealer_phone_code(dealer, user_id=buyer.user_id)
    message = Message.objects.get(recipient="+254711000222")
    assert message.status == Message.Status.QUEUED and message.attempts == 0
    assert message.pk not in stale_queued_message_ids()  # a send in flight is left alone
    settings.NOTIFICATIONS_QUEUED_STALE_SECONDS = 0
    assert message.pk in stale_queued_message_ids()


@pytest.mark.engine
def test_a_search_saved_while_the_broker_is_away_is_registered_by_the_resync(broker_away, clean_percolator):
    buyer = make_buyer()
    api = APIClient()
    api.force_authenticate(buyer.user)
    began = timezone.now() - timedelta(seconds=1)
    created = api.post("/api/v1/saved-searches", {"name": "Hilux", "params": {"make": ["Toyota"]}}, format="json")
    assert created.status_code == 201, created.content
    search_id = created.json()["id"]
    assert resync_changed_since(began) == 1
    registered = get_client().get(index=saved_searches_alias(), id=str(search_id))
    assert registered["_source"]["saved_search_id"] == search_id
