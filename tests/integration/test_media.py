"""Photos end to end against real Postgres, storage and engine: checks by content, nothing stored for
a refused file, EXIF gone after orientation, idempotent variants, the cover in search via the sync."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from catalog.models import Vehicle
from es_mappings.vehicles import vehicle_to_document
from indexers.rows import fetch_vehicle_rows
from media import storage
from media.models import Photo
from media.processing import process_photo
from media.services import Upload, add_photos, move_photo
from tests.support import photos as files
from tests.support.factories import make_dealer, make_vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealer_api(django_user_model):
    dealer = make_dealer()
    user = django_user_model.objects.create_user("photo-dealer", password="x")
    dealer.members.add(user)
    client = APIClient()
    client.force_authenticate(user)
    return dealer, client


def _stored_files() -> set[str]:
    found = set()
    for store in (storage.originals(), storage.variants()):
        root = store.location
        for folder, _, names in os.walk(root):
            found |= {os.path.relpath(os.path.join(folder, n), root) for n in names}
    return found


def _upload(client, dealer, vehicle, *named: tuple[str, bytes], language: str = "en"):
    parts = [SimpleUploadedFile(name, data, content_type="image/jpeg") for name, data in named]
    return client.post(
        f"/api/v1/dealers/{dealer.pk}/vehicles/{vehicle.pk}/photos",
        {"photos": parts},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )


BAD = [
    ("notes.jpg", files.NOT_AN_IMAGE, "not a JPEG, PNG or WebP"),
    ("logo.svg.jpg", files.SVG, "SVG"),
    ("half.jpg", files.truncated(), "damaged or truncated"),
    ("bomb.png", files.bomb(), "pixels"),
    ("zip.jpg", files.polyglot_zip(), "after the end of the image"),
    ("html.jpg", files.polyglot_html(), "script code"),
    ("tiny.jpg", files.jpeg(120, 90), "at least 200"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_a_400_naming_it_and_nothing_is_stored(
    dealer_api, name, data, reason, django_capture_on_commit_callbacks
):
    dealer, client = dealer_api
    vehicle = make_vehicle(dealer)
    before = _stored_files()
    with django_capture_on_commit_callbacks() as queued:
        answer = _upload(client, dealer, vehicle, ("good.jpg", files.jpeg()), (name, data))
    assert answer.status_code == 400, answer.content
    messages = answer.json()["error"]["fields"]["photos"]
    assert len(messages) == 1 and messages[0].startswith(f"{name}: ") and reason in messages[0]
    assert not Photo.objects.filter(vehicle=vehicle).exists() and not queued
    assert _stored_files() == before


def test_over_the_size_limit_is_refused(dealer_api, settings):
    dealer, client = dealer_api
    settings.PHOTOS_MAX_BYTES = 50_000
    answer = _upload(client, dealer, make_vehicle(dealer), ("big.jpg", files.jpeg(3000, 2000) + b""))
    assert answer.status_code == 400 and "larger than" in answer.json()["error"]["fields"]["photos"][0]


def test_variants_are_upright_bare_and_made_once(dealer_api, django_capture_on_commit_callbacks):
    dealer, client = dealer_api
    vehicle = make_vehicle(dealer)
    # Orientation 6: the camera was turned; the stored pixels are 1200x800, the photo is 800x1200.
    with django_capture_on_commit_callbacks() as queued:
        answer = _upload(client, dealer, vehicle, ("IMG_0001.JPG", files.jpeg(orientation=6)))
    assert answer.status_code == 201 and len(queued) == 1
    photo = Photo.objects.get(vehicle=vehicle)
    assert (photo.width, photo.height, photo.status) == (800, 1200, "pending")
    assert process_photo(photo.pk) == "made"
    photo.refresh_from_db()
    assert photo.status == "ready" and photo.variants["widths"] == [160, 320, 640]
    assert 100 < len(photo.placeholder) < 800 and photo.placeholder.startswith("data:image/webp;base64,")
    for fmt in photo.variants["formats"]:
        name = f"{photo.variants['base']}-640.{fmt}"
        data = storage.variants().open(name).read()
        with Image.open(io.BytesIO(data)) as variant:
            assert variant.size == (640, 960), "orientation applied before the EXIF went"
            assert not variant.getexif() and "exif" not in variant.info
        assert b"PhoneMaker" not in data and b"Exif" not in data
    # A duplicated or retried task finds the work done and writes nothing again.
    mtimes = {n: os.path.getmtime(storage.variants().path(n)) for n in _variant_names(photo)}
    assert process_photo(photo.pk) == "already done"
    assert {n: os.path.getmtime(storage.variants().path(n)) for n in _variant_names(photo)} == mtimes
    # The same file again is the same photo, not a second one.
    again = _upload(client, dealer, vehicle, ("copy.jpg", files.jpeg(orientation=6)))
    assert again.status_code == 201 and Photo.objects.filter(vehicle=vehicle).count() == 1


def _variant_names(photo: Photo) -> list[str]:
    v = photo.variants
    return [f"{v['base']}-{w}.{fmt}" for w in v["widths"] for fmt in v["formats"]]


def test_the_cover_and_count_are_in_the_document_and_follow_the_order(dealer_api):
    dealer, _ = dealer_api
    vehicle = make_vehicle(dealer)
    red, blue = files.jpeg(colour=(200, 0, 0)), files.jpeg(colour=(0, 0, 200))
    first, second = add_photos(vehicle, [Upload("red.jpg", red), Upload("blue.jpg", blue)])
    doc = vehicle_to_document(fetch_vehicle_rows([vehicle.pk])[vehicle.pk])
    assert doc["photo_count"] == 0 and doc["cover"] is None, "pending photos are not shown"
    version = Vehicle.objects.get(pk=vehicle.pk).search_version
    for photo in (first, second):
        process_photo(photo.pk)
    # Each photo becoming ready re-stamped the vehicle: the ordinary capture carries it to the index.
    assert Vehicle.objects.get(pk=vehicle.pk).search_version > version
    doc = vehicle_to_document(fetch_vehicle_rows([vehicle.pk])[vehicle.pk])
    assert doc["photo_count"] == 2 and doc["cover"]["variants"]["base"].endswith(first.sha256 + "/r1")
    version = Vehicle.objects.get(pk=vehicle.pk).search_version
    move_photo(vehicle, second.pk, to="first")
    assert Vehicle.objects.get(pk=vehicle.pk).search_version > version
    doc = vehicle_to_document(fetch_vehicle_rows([vehicle.pk])[vehicle.pk])
    assert doc["cover"]["variants"]["base"].endswith(second.sha256 + "/r1")


def test_another_dealers_vehicle_is_a_404(dealer_api):
    _, client = dealer_api
    other = make_vehicle(make_dealer())
    answer = _upload(client, other.dealer, other, ("a.jpg", files.jpeg()))
    assert answer.status_code in (403, 404)


# Each refusal of BAD in French, as a dealer whose browser or client asks for French reads it.
BAD_FR = {
    "notes.jpg": "ce n’est pas une image JPEG, PNG ou WebP",
    "logo.svg.jpg": "les fichiers SVG",
    "half.jpg": "endommagée ou tronquée",
    "bomb.png": "pixels que la limite de",
    "zip.jpg": "après la fin de l’image",
    "html.jpg": "code de page web ou de script",
    "tiny.jpg": "au moins 200 de chaque côté",
}


@pytest.mark.parametrize(("name", "data"), [b[:2] for b in BAD], ids=[b[0] for b in BAD])
def test_a_refusal_is_in_french_through_the_api_and_the_console(dealer_api, client, name, data):
    dealer, api = dealer_api
    vehicle = make_vehicle(dealer)
    answer = _upload(api, dealer, vehicle, (name, data), language="fr")
    assert answer.status_code == 400, answer.content
    (message,) = answer.json()["error"]["fields"]["photos"]
    assert message.startswith(f"{name}: ") and BAD_FR[name] in message

    client.force_login(dealer.members.get())
    client.cookies["django_language"] = "fr"
    part = SimpleUploadedFile(name, data, content_type="image/jpeg")
    page = client.post(f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/photos", {"photos": [part]}, follow=True)
    assert page.status_code == 200
    assert f"{name} a été refusé : " in page.content.decode() and BAD_FR[name] in page.content.decode()
    assert not Photo.objects.filter(vehicle=vehicle).exists()


def test_the_limits_and_an_empty_request_are_refused_in_french(dealer_api, settings):
    dealer, api = dealer_api
    vehicle = make_vehicle(dealer)
    settings.PHOTOS_MAX_BYTES = 50_000
    big = _upload(api, dealer, vehicle, ("big.jpg", files.jpeg(3000, 2000)), language="fr")
    assert "le fichier dépasse 48,8\xa0Kio" in big.json()["error"]["fields"]["photos"][0]
    settings.PHOTOS_MAX_BYTES, settings.PHOTOS_MAX_PER_VEHICLE = 15 * 1024 * 1024, 1
    assert _upload(api, dealer, vehicle, ("one.jpg", files.jpeg())).status_code == 201
    full = _upload(api, dealer, vehicle, ("two.jpg", files.jpeg(colour=(0, 9, 0))), language="fr")
    assert "un véhicule a au plus 1 photos (1 déjà)" in full.json()["error"]["fields"]["photos"][0]
    none = api.post(
        f"/api/v1/dealers/{dealer.pk}/vehicles/{vehicle.pk}/photos", {}, format="multipart", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert none.json()["error"]["fields"]["photos"] == ["Envoyez un ou plusieurs fichiers dans la partie « photos »."]
