"""Reading photos for pages and the API."""

from __future__ import annotations

from typing import Any

from .models import Photo
from .names import image_urls


def photo_image(photo: Photo) -> dict[str, Any] | None:
    """A ready photo as addresses to load (media.names.image_urls); None until its variants exist."""
    if photo.status != Photo.Status.READY:
        return None
    return image_urls(
        photo.variants,
        width=photo.width,
        height=photo.height,
        placeholder=photo.placeholder,
        illustration=photo.illustration,
    )


def gallery(vehicle_id: int) -> list[dict[str, Any]]:
    """The vehicle's ready photos in the dealer's order, the cover first."""
    photos = Photo.objects.filter(vehicle_id=vehicle_id, status=Photo.Status.READY).order_by("position", "id")
    return [photo_image(photo) for photo in photos]
