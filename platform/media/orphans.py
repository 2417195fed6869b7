"""Files in the photo storages that no photo row uses any more (a deleted photo, an upload whose
transaction failed after its original was saved), removed once older than a grace period.

A file belongs to a row by the content hash in its name (media.names): an original is live while a row
names it, a variant while a row has its hash (pending and failed rows included: their variants are
being made or will be again). The grace period spares files whose row is not committed yet; the
content lock (`content_lock`, also taken by media.services.add_photos) closes the last gap, between
deciding that a file is an orphan and deleting it. Names that are not ours are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.db import connection, transaction
from django.utils import timezone

from . import storage
from .models import Photo

# originals/<2>/<sha>.<ext> and photos/<2>/<sha>/<recipe>-<width>.<fmt> (media.names).
_ORIGINAL = re.compile(r"^originals/[0-9a-f]{2}/(?P<sha>[0-9a-f]{64})\.[a-z0-9]+$")
_VARIANT = re.compile(r"^photos/[0-9a-f]{2}/(?P<sha>[0-9a-f]{64})/[^/]+$")
# Hashes looked up per query.
_BATCH = 500


@dataclass
class SweepReport:
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0  # orphans still inside the grace period
    live: int = 0


def content_lock(sha256: str) -> None:
    """Serialise writers and the sweep on one content hash until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"media:{sha256}"])


def _walk(store: Storage, folder: str) -> Iterator[str]:
    folders, files = store.listdir(folder)
    prefix = f"{folder}/" if folder else ""
    for name in files:
        yield prefix + name
    for sub in folders:
        yield from _walk(store, prefix + sub)


def _owned(store: Storage, folder: str, pattern: re.Pattern) -> Iterator[tuple[str, str]]:
    """(name, sha) of every file of ours under `folder`."""
    try:
        names = list(_walk(store, folder))
    except FileNotFoundError:  # nothing stored yet
        return
    for name in names:
        match = pattern.match(name)
        if match:
            yield name, match["sha"]


def _is_live(name: str, sha: str, *, original: bool) -> bool:
    rows = Photo.objects.filter(sha256=sha)
    return rows.filter(original=name).exists() if original else rows.exists()


def sweep_orphans(*, grace: timedelta, now: datetime | None = None) -> SweepReport:
    """Delete orphaned originals and variants last written before now - grace."""
    before = (now or timezone.now()) - grace
    report = SweepReport()
    for store, folder, pattern, original in (
        (storage.originals(), "originals", _ORIGINAL, True),
        (storage.variants(), "photos", _VARIANT, False),
    ):
        found = list(_owned(store, folder, pattern))
        for start in range(0, len(found), _BATCH):
            batch = found[start : start + _BATCH]
            rows = Photo.objects.filter(sha256__in={sha for _, sha in batch})
            live = set(rows.values_list("original" if original else "sha256", flat=True))
            for name, sha in batch:
                if (name if original else sha) in live:
                    report.live += 1
                elif store.get_modified_time(name) >= before:
                    report.kept_young += 1
                else:
                    with transaction.atomic():
                        content_lock(sha)
                        # Asked again under the lock: an upload of the same bytes may have just committed.
                        if _is_live(name, sha, original=original):
                            report.live += 1
                            continue
                        store.delete(name)
                    report.removed.append(name)
    return report
