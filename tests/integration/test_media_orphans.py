"""The orphan sweep against real files and real Postgres: files no photo row uses are removed once older
than the grace period; a file a live row points to, a young orphan and a file that is not ours stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from media import storage
from media.models import Photo
from media.names import original_name, variant_base, variant_name
from media.orphans import sweep_orphans
from media.processing import process_photo
from media.services import Upload, add_photos, delete_photo
from tests.support import photos as files
from tests.support.factories import make_dealer, make_vehicle

pytestmark = pytest.mark.django_db

GRACE = timedelta(hours=1)


@pytest.fixture
def stores(settings, tmp_path):
    """Both photo storages in a folder of this test's own, so the sweep sees only what the test wrote."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "photos_public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "public", "base_url": "/media/", "allow_overwrite": True},
        },
        "photos_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "allow_overwrite": True},
        },
    }
    return tmp_path


def _files_of(photo: Photo) -> tuple[str, list[str]]:
    v = photo.variants
    return photo.original, [variant_name(v["base"], w, fmt) for w in v["widths"] for fmt in v["formats"]]


def _all_aged(hours: float) -> None:
    for store in (storage.originals(), storage.variants()):
        for folder, _, names in os.walk(store.location):
            for name in names:
                then = time.time() - hours * 3600
                os.utime(os.path.join(folder, name), (then, then))


def test_orphans_older_than_the_grace_period_go_and_live_files_stay(stores):
    dealer = make_dealer()
    vehicle, other = make_vehicle(dealer), make_vehicle(dealer)
    kept, deleted = add_photos(
        vehicle, [Upload("kept.jpg", files.jpeg(colour=(1, 2, 3))), Upload("gone.jpg", files.jpeg())], queue=False
    )
    # The same bytes on another vehicle: deleting it from the first leaves them live through the second.
    (shared,) = add_photos(other, [Upload("shared.jpg", files.jpeg(colour=(9, 9, 9)))], queue=False)
    (shared_twin,) = add_photos(vehicle, [Upload("twin.jpg", files.jpeg(colour=(9, 9, 9)))], queue=False)
    for photo in (kept, deleted, shared, shared_twin):
        assert process_photo(photo.pk) in {"made", "shared"}
        photo.refresh_from_db()
    kept_original, kept_variants = _files_of(kept)
    gone_original, gone_variants = _files_of(deleted)
    shared_original, shared_variants = _files_of(shared)
    delete_photo(vehicle, deleted.pk)
    delete_photo(vehicle, shared_twin.pk)
    # An upload whose transaction failed after its original was saved: a file with no row at all.
    failed_sha = "f" * 64
    failed_name = original_name(failed_sha, "jpg")
    storage.originals().save(failed_name, ContentFile(files.jpeg(300, 300)))
    # A file that is not ours (no content-addressed name) is never touched.
    storage.variants().save("photos/README.txt", ContentFile(b"kept by hand"))
    _all_aged(hours=2)
    # A fresh orphan (deleted a moment ago, inside the grace period) waits.
    young_name = variant_name(variant_base("e" * 64), 160, "webp")
    storage.variants().save(young_name, ContentFile(b"RIFF"))

    report = sweep_orphans(grace=GRACE)

    gone = {gone_original, *gone_variants, failed_name}
    assert set(report.removed) == gone and report.kept_young == 1
    assert not any(storage.originals().exists(n) or storage.variants().exists(n) for n in gone)
    for name in (kept_original, shared_original):
        assert storage.originals().exists(name), name
    for name in (*kept_variants, *shared_variants, young_name, "photos/README.txt"):
        assert storage.variants().exists(name), name
    # What a live row points to still opens: the cover of each vehicle is intact.
    assert all(storage.variants().open(n).read() for n in kept_variants)
    assert sweep_orphans(grace=GRACE).removed == []


def test_a_pending_photo_keeps_its_original_however_old(stores):
    (pending,) = add_photos(make_vehicle(make_dealer()), [Upload("slow.jpg", files.jpeg())], queue=False)
    _all_aged(hours=48)
    assert sweep_orphans(grace=GRACE).removed == []
    assert storage.originals().exists(pending.original)
    assert process_photo(pending.pk) == "made"


def test_the_sweep_is_a_scheduled_task_by_its_name(stores, settings):
    from media.tasks import sweep_orphans as task

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "media.tasks.sweep_orphans")
    assert task.name == entry["task"]
    storage.originals().save(original_name("a" * 64, "png"), ContentFile(files.png()))
    settings.PHOTOS_ORPHAN_GRACE_SECONDS = 0
    assert task() == {"removed": 1, "kept_young": 0, "live": 0}
