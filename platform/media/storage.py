"""The two photo storages (settings.STORAGES, django-storages in production): private originals,
public variants."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def originals() -> Storage:
    return storages["photos_private"]


def variants() -> Storage:
    return storages["photos_public"]
