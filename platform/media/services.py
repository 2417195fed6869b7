"""A dealer's photo writes: add (checked, stored, queued), reorder, choose the cover, delete, retry.

Each write is one transaction on media_photo; a trigger re-stamps the vehicle's row when what
buyers see changes (its cover, its photo count), so search follows through the ordinary sync.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from catalog.models import Vehicle
from reliability.kicks import send_after_commit

from . import storage, task_names
from .checks import PhotoRefused, inspect_photo, too_large
from .models import Photo
from .names import original_name
from .orphans import content_lock


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


class PhotosRefused(Exception):
    """One or more uploads refused; nothing of the request was stored."""

    def __init__(self, refusals: list[PhotoRefused]):
        super().__init__("; ".join(str(r) for r in refusals))
        self.refusals = refusals


def read_upload(uploaded) -> Upload:
    """An UploadedFile's bytes, refusing an oversized one before reading it into memory."""
    name = (uploaded.name or "photo")[:200]
    if uploaded.size is not None and uploaded.size > settings.PHOTOS_MAX_BYTES:
        raise PhotosRefused([too_large(name, settings.PHOTOS_MAX_BYTES)])
    return Upload(name, uploaded.read(settings.PHOTOS_MAX_BYTES + 1))


def _queue_after_commit(photo_ids: list[int]) -> None:
    for photo_id in photo_ids:
        send_after_commit(task_names.MAKE_VARIANTS, args=(photo_id,), caught_up_by=task_names.SWEEP_PENDING)


def add_photos(
    vehicle: Vehicle, uploads: list[Upload], *, illustration: bool = False, queue: bool = True
) -> list[Photo]:
    """Check every upload, then store them all and queue their variants; any refusal stores nothing.

    `queue=False`: the caller makes the variants itself (media.processing.process_photo), as the
    demo loader does before any worker runs.

    The same file sent again for the same vehicle is the photo it already has, not a second one.
    """
    refusals, checked = [], []
    for upload in uploads:
        try:
            found = inspect_photo(
                upload.data,
                filename=upload.filename,
                max_bytes=settings.PHOTOS_MAX_BYTES,
                max_pixels=settings.PHOTOS_MAX_PIXELS,
                min_side=settings.PHOTOS_MIN_SIDE,
            )
        except PhotoRefused as refusal:
            refusals.append(refusal)
        else:
            checked.append((upload, found, hashlib.sha256(upload.data).hexdigest()))
    if refusals:
        raise PhotosRefused(refusals)
    with transaction.atomic():
        # One writer per vehicle at a time: positions and the per-vehicle limit stay exact.
        Vehicle.objects.select_for_update().only("id").get(pk=vehicle.pk)
        existing = {p.sha256: p for p in Photo.objects.filter(vehicle=vehicle)}
        new, seen = [], set(existing)
        for item in checked:
            if item[2] not in seen:
                seen.add(item[2])
                new.append(item)
        if len(existing) + len(new) > settings.PHOTOS_MAX_PER_VEHICLE:
            raise PhotosRefused(
                [
                    PhotoRefused(
                        upload.filename,
                        _("a vehicle has at most %(limit)d photos (%(count)d already).")
                        % {"limit": settings.PHOTOS_MAX_PER_VEHICLE, "count": len(existing)},
                    )
                    for upload, _found, _sha in new[:1]
                ]
            )
        position = (Photo.objects.filter(vehicle=vehicle).aggregate(top=Max("position"))["top"] or 0) + 1
        created = []
        for offset, (upload, found, sha) in enumerate(new):
            name = original_name(sha, found.extension)
            # Held to the commit: the orphan sweep never deletes a file this upload is about to use.
            content_lock(sha)
            if not storage.originals().exists(name):
                storage.originals().save(name, ContentFile(upload.data))
            created.append(
                Photo.objects.create(
                    vehicle=vehicle,
                    position=position + offset,
                    sha256=sha,
                    original=name,
                    filename=upload.filename,
                    format=found.format,
                    width=found.width,
                    height=found.height,
                    bytes=found.bytes,
                    illustration=illustration,
                )
            )
        ids = [photo.pk for photo in created]
        if queue:
            _queue_after_commit(ids)
    sent = {sha for _, _, sha in checked}
    return [*created, *(p for sha, p in existing.items() if sha in sent)]


def vehicle_photos(vehicle_id: int) -> list[Photo]:
    return list(Photo.objects.filter(vehicle_id=vehicle_id).order_by("position", "id"))


def reorder_photos(vehicle: Vehicle, order: list[int]) -> list[Photo]:
    """Put the vehicle's photos in this order (ids; the first is the cover). Ids left out keep their
    relative order after the ones given; an id that is not this vehicle's is a ValueError."""
    with transaction.atomic():
        Vehicle.objects.select_for_update().only("id").get(pk=vehicle.pk)
        photos = vehicle_photos(vehicle.pk)
        by_id = {p.pk: p for p in photos}
        unknown = [i for i in order if i not in by_id]
        if unknown or len(set(order)) != len(order):
            raise ValueError(f"not photos of this vehicle, or repeated: {unknown or order}")
        ordered = [by_id[i] for i in order] + [p for p in photos if p.pk not in set(order)]
        changed = [p for index, p in enumerate(ordered, start=1) if p.position != index]
        for index, photo in enumerate(ordered, start=1):
            photo.position = index
        Photo.objects.bulk_update(changed, ["position"])
    return ordered


def move_photo(vehicle: Vehicle, photo_id: int, *, to: str) -> list[Photo]:
    """`to`: "first" (the cover), "earlier" or "later": one step for the console's buttons."""
    ids = [p.pk for p in vehicle_photos(vehicle.pk)]
    if photo_id not in ids:
        raise ValueError("not a photo of this vehicle")
    index = ids.index(photo_id)
    ids.pop(index)
    target = {"first": 0, "earlier": max(0, index - 1), "later": min(len(ids), index + 1)}[to]
    ids.insert(target, photo_id)
    return reorder_photos(vehicle, ids)


def delete_photo(vehicle: Vehicle, photo_id: int) -> None:
    """Remove the photo from the vehicle. Its files stay for now: names are shared by content (the same
    photo on another vehicle) and cached copies may still be asked for; media.orphans removes them once
    no row uses them and the grace period has passed."""
    deleted, _ = Photo.objects.filter(vehicle=vehicle, pk=photo_id).delete()
    if not deleted:
        raise ValueError("not a photo of this vehicle")


def retry_photo(vehicle: Vehicle, photo_id: int) -> None:
    """Queue a failed photo's variants again (the dealer's Retry)."""
    with transaction.atomic():
        updated = Photo.objects.filter(vehicle=vehicle, pk=photo_id, status=Photo.Status.FAILED).update(
            status=Photo.Status.PENDING, tries=0, error=""
        )
        if updated:
            _queue_after_commit([photo_id])
