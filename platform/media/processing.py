"""Making a photo's variants (the variant task's body): idempotent, so a retried or duplicated task
writes the same files once and leaves the photo as one run would."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import storage
from .models import Photo
from .names import variant_base, variant_name
from .variants import avif_available, make_variants, placeholder, upright_pixels


def variant_formats() -> list[str]:
    return ["avif", "webp"] if settings.PHOTOS_AVIF and avif_available() else ["webp"]


def process_photo(photo_id: int) -> str:
    """Make and store the photo's variants and placeholder; mark it ready. Returns what happened."""
    with transaction.atomic():
        # The row lock makes a duplicate task wait, then find the work done.
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None:
            return "gone"
        base = variant_base(photo.sha256)
        if photo.status == Photo.Status.READY and photo.variants.get("base") == base:
            return "already done"
        # The same file is ready on another vehicle: its variants are these very files.
        twin = Photo.objects.filter(sha256=photo.sha256, status=Photo.Status.READY, variants__base=base).first()
        if twin is not None:
            photo.variants, photo.placeholder = twin.variants, twin.placeholder
            photo.status, photo.error = Photo.Status.READY, ""
            photo.save(update_fields=["variants", "placeholder", "status", "error", "updated_at"])
            return "shared"
        with storage.originals().open(photo.original, "rb") as original:
            image = upright_pixels(original.read())
        formats = variant_formats()
        made = make_variants(image, widths=settings.PHOTOS_VARIANT_WIDTHS, formats=formats)
        public = storage.variants()
        for variant in made:
            name = variant_name(base, variant.width, variant.format)
            # Content-addressed: a file already there holds these very bytes (another vehicle's copy, a
            # duplicate task's), so it is never written twice.
            if not public.exists(name):
                public.save(name, ContentFile(variant.data))
        photo.variants = {"base": base, "widths": sorted({v.width for v in made}), "formats": formats}
        photo.placeholder = placeholder(image)
        photo.status = Photo.Status.READY
        photo.error = ""
        photo.save(update_fields=["variants", "placeholder", "status", "error", "updated_at"])
    return "made"


def record_failure(photo_id: int, exc: BaseException, *, last: bool) -> None:
    """A try failed: count it and keep its reason for the dealer; after the last, the photo is failed."""
    reason = f"{type(exc).__name__}: {exc}"[:300]
    fields = {"error": reason, "updated_at": timezone.now()}
    if last:
        fields["status"] = Photo.Status.FAILED
    photo = Photo.objects.filter(pk=photo_id).exclude(status=Photo.Status.READY)
    photo.update(**fields, tries=F("tries") + 1)


def stale_photo_ids(limit: int = 500) -> list[int]:
    """Photos still pending long after their upload (a lost message, a worker gone): queued again."""
    before = timezone.now() - timedelta(seconds=settings.PHOTOS_STALE_SECONDS)
    return list(
        Photo.objects.filter(status=Photo.Status.PENDING, updated_at__lt=before).values_list("pk", flat=True)[:limit]
    )
