"""The photo storage code against an S3 API: moto's server mode (PyPI `moto[server]`) stands in for an
S3-compatible bucket as localstripe stands in for Stripe. The storages are built by the very function
settings.py uses with NZILA_PHOTOS_STORAGE=s3 (nzila.photo_storages); upload, variants, the public URL
the pages use, and deletion (the orphan sweep) all go through it."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import boto3
import pytest
import requests
from django.conf import settings as django_settings

from localstack.paths import ROOT
from localstack.process import ManagedProcess, port_is_open, wait_until
from media import storage
from media.names import image_urls, public_url
from media.orphans import sweep_orphans
from media.processing import process_photo
from media.services import Upload, add_photos, delete_photo
from nzila.photo_storages import VARIANT_CACHE_CONTROL, photo_storages
from tests.support import photos as files
from tests.support.factories import make_dealer, make_vehicle
from tests.support.payment_simulators.fixtures import free_port

pytest.importorskip("moto", reason="moto[server] (requirements.txt) is not installed: no local S3 API to test against")

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = "nzila-photos-public", "nzila-photos-private"
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server as a process of its own on a free port, stopped by its pid at the end."""
    binary = ROOT / ".venv" / "bin" / "moto_server"
    if not binary.exists() and not shutil.which("moto_server"):
        pytest.skip("moto_server is not installed (moto[server] in requirements.txt)")
    port = free_port()
    proc = ManagedProcess(
        f"test-moto-s3-{port}", [str(binary if binary.exists() else "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    )
    proc.start()
    try:
        wait_until(lambda: port_is_open(port), timeout=60, what="moto S3 server", log=proc.log_file, alive=proc.running)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.stop(timeout=10)


@pytest.fixture
def s3_storages(s3_server, settings, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    # Variants are public by the bucket's policy (docs/media.md), not by per-object ACLs, which buckets
    # with "object ownership: bucket owner enforced" refuse.
    client.put_bucket_policy(Bucket=PUBLIC, Policy=json.dumps(public_read_policy(PUBLIC)))
    settings.STORAGES = {
        **django_settings.STORAGES,
        **photo_storages(
            kind="s3",
            root=django_settings.PHOTOS_ROOT,
            public_url="",
            s3_public_bucket=PUBLIC,
            s3_private_bucket=PRIVATE,
            s3_endpoint_url=s3_server,
            s3_region=REGION,
        ),
    }
    # The bucket's public address, as production sets NZILA_PHOTOS_PUBLIC_URL.
    settings.PHOTOS_PUBLIC_URL = f"{s3_server}/{PUBLIC}/"
    yield client
    for bucket in (PUBLIC, PRIVATE):
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        ],
    }


def s3_server_url(client) -> str:
    return client.meta.endpoint_url


def _keys(client, bucket: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_upload_variants_public_url_and_delete_work_on_s3(s3_storages):
    client = s3_storages
    vehicle = make_vehicle(make_dealer())
    (photo,) = add_photos(vehicle, [Upload("IMG_0001.JPG", files.jpeg(orientation=6))], queue=False)
    # The original is in the private bucket only, under its content-addressed name, with no public grant.
    assert _keys(client, PRIVATE) == {photo.original} and not _keys(client, PUBLIC)
    grants = client.get_object_acl(Bucket=PRIVATE, Key=photo.original)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers")]

    assert process_photo(photo.pk) == "made"
    photo.refresh_from_db()
    v = photo.variants
    variant_keys = {f"{v['base']}-{w}.{fmt}" for w in v["widths"] for fmt in v["formats"]}
    assert _keys(client, PUBLIC) == variant_keys
    for key in variant_keys:
        head = client.head_object(Bucket=PUBLIC, Key=key)
        assert head["CacheControl"] == VARIANT_CACHE_CONTROL and head["ContentLength"] > 0
    # A retried task finds the work done: nothing is written twice.
    assert process_photo(photo.pk) == "already done"

    # The address the pages put in src/srcset answers with the image, without credentials.
    image = image_urls(v, width=photo.width, height=photo.height, placeholder=photo.placeholder, illustration=False)
    name = f"{v['base']}-{v['widths'][0]}.webp"
    assert image["thumb"] == public_url(name) == storage.variants().url(name)
    fetched = requests.get(image["src"], timeout=10)
    assert fetched.status_code == 200 and fetched.content[:4] == b"RIFF" and fetched.content[8:12] == b"WEBP"
    # The original, in the private bucket, does not answer without credentials.
    assert requests.get(f"{s3_server_url(client)}/{PRIVATE}/{photo.original}", timeout=10).status_code == 403

    # Deleting the photo, then the sweep, removes its files from both buckets.
    delete_photo(vehicle, photo.pk)
    report = sweep_orphans(grace=timedelta(0))
    assert set(report.removed) == {photo.original, *variant_keys}
    assert not _keys(client, PRIVATE) and not _keys(client, PUBLIC)


def test_a_refused_upload_leaves_the_buckets_empty(s3_storages):
    from media.services import PhotosRefused

    vehicle = make_vehicle(make_dealer())
    with pytest.raises(PhotosRefused):
        add_photos(vehicle, [Upload("good.jpg", files.jpeg()), Upload("bad.jpg", files.truncated())], queue=False)
    assert not _keys(s3_storages, PRIVATE) and not _keys(s3_storages, PUBLIC)
