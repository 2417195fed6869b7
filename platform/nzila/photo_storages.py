"""The two photo storages as STORAGES entries: private originals and public variants, on the local
filesystem or in S3-compatible buckets (django-storages). Pure: settings.py calls it with its values,
the S3 contract test (tests/integration/test_media_s3.py) with a local S3 server's."""

from __future__ import annotations

from pathlib import Path

# Variants are named by their content, so a name never changes meaning: cached for a year.
VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable"


def photo_storages(
    *,
    kind: str,
    root: Path,
    public_url: str,
    s3_public_bucket: str = "",
    s3_private_bucket: str = "",
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
) -> dict:
    """`photos_public` and `photos_private` for STORAGES; `kind` is "filesystem" or "s3"."""
    if kind == "s3":
        common = {"endpoint_url": s3_endpoint_url, "region_name": s3_region, "file_overwrite": True}
        return {
            "photos_public": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": dict(
                    common,
                    bucket_name=s3_public_bucket,
                    querystring_auth=False,
                    object_parameters={"CacheControl": VARIANT_CACHE_CONTROL},
                ),
            },
            # Originals: private, read only by the workers.
            "photos_private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": dict(common, bucket_name=s3_private_bucket, default_acl="private"),
            },
        }
    return {
        "photos_public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Names are content hashes: writing one again writes the same bytes, never a renamed copy.
            "OPTIONS": {"location": root / "public", "base_url": public_url, "allow_overwrite": True},
        },
        "photos_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root / "private", "base_url": None, "allow_overwrite": True},
        },
    }
