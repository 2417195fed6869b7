"""The seeded generator: deterministic per seed, COPY counts, constraints and vocabularies, resumable."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from catalog.ingest import normalise as norm
from catalog.ingest.generator import VehicleGenerator, vin_for
from catalog.ingest.places import COUNTRIES
from catalog.models import Dealer, Vehicle
from indexers.models import SearchChange

# What a generated row is, apart from ids, timestamps of the run and the version the triggers stamp.
CONTENT_SQL = """
SELECT v.source_key, v.vin, v.make, v.model, v.trim, v.year, v.price, v.currency_id, v.mileage_km, v.condition,
       v.body_type, v.fuel, v.transmission, v.drivetrain, v.engine, v.exterior_color, v.interior_color,
       v.features, v.description, v.status, v.listed_at, v.country, v.city, v.latitude, v.longitude,
       d.source_key, d.name
  FROM catalog_vehicle v JOIN catalog_dealer d ON d.id = v.dealer_id
 WHERE v.source_key LIKE %s ORDER BY length(v.source_key), v.source_key
"""


def _content(seed: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(CONTENT_SQL, [f"gen:{seed}:%"])
        return cursor.fetchall()


def _fake_dealer_parts(generator):
    return [("USD", 1.0, "USD\t1\tUS\t\t1.0\t2.0\t{}\t2026-01-01\t0\n")] * len(generator.dealers)


def test_vins_are_valid_and_distinct():
    vins = {vin_for(seed, n) for seed in (1, 42) for n in range(5000)}
    assert len(vins) == 10_000
    assert all(norm.VIN_PATTERN.match(vin) and len(vin) == 17 for vin in vins)


def test_rows_depend_only_on_seed_and_number():
    a, b = VehicleGenerator(seed=5, dealers=50), VehicleGenerator(seed=5, dealers=50)
    other = VehicleGenerator(seed=6, dealers=50)
    parts = _fake_dealer_parts(a)
    first = a._chunk(0, 0, 500, parts, set())
    assert first == b._chunk(0, 0, 500, parts, set())
    assert first != other._chunk(0, 0, 500, parts, set())
    # Skipping rows that exist leaves every other row as it was.
    assert a._chunk(0, 0, 500, parts, {3, 10, 11}) == [line for n, line in enumerate(first) if n not in (3, 10, 11)]
    # A shorter run is a prefix of a longer one.
    assert a._chunk(0, 0, 200, parts, set()) == first[:200]


@pytest.mark.django_db(transaction=True)
def test_copy_creates_the_requested_rows_within_the_constraints():
    result = VehicleGenerator(seed=11, dealers=40).run(2500, progress=False)
    assert (result.created, result.skipped) == (2500, 0)
    vehicles = Vehicle.objects.filter(source_key__startswith="gen:11:")
    assert vehicles.count() == 2500
    assert set(vehicles.values_list("source_key", flat=True)) == {f"gen:11:{n}" for n in range(2500)}
    # COPY fired the capture triggers: versions stamped, one change per row.
    assert not vehicles.filter(search_version=0).exists()
    assert SearchChange.objects.filter(entity="vehicle", object_id__in=vehicles.values("id")).count() == 2500
    assert Dealer.objects.filter(source_key__startswith="gen:11:dealer:").count() == 40

    assert set(vehicles.values_list("fuel", flat=True)) <= set(norm.FUELS) | {""}
    # A model the data gives no body type for stays unknown (never borrowed from its make).
    assert set(vehicles.values_list("body_type", flat=True)) <= set(norm.BODY_TYPES) | {""}
    assert set(vehicles.values_list("transmission", flat=True)) <= set(norm.TRANSMISSIONS) | {""}
    assert set(vehicles.values_list("drivetrain", flat=True)) <= set(norm.DRIVETRAINS) | {""}
    assert len(set(vehicles.values_list("make", flat=True))) > 20
    for vehicle in vehicles.select_related("dealer")[:300]:
        assert vehicle.currency_id == COUNTRIES[vehicle.dealer.country][4]
        assert (vehicle.country, vehicle.city) == (vehicle.dealer.country, vehicle.dealer.city)
        assert vehicle.latitude is not None and vehicle.price > 0 and 1900 <= vehicle.year <= 2026
        assert vehicle.vin is None or re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vehicle.vin)
        assert vehicle.mileage_km is not None and vehicle.mileage_km <= norm.MAX_KM
    assert vehicles.filter(vin__isnull=False).exists()
    countries = set(vehicles.values_list("country", flat=True))
    assert {"KE", "NG", "ZA"} <= countries and countries & {"US", "GB", "DE", "AU"}


@pytest.mark.django_db(transaction=True)
def test_rerun_skips_what_exists_and_recreates_only_what_is_missing():
    VehicleGenerator(seed=12, dealers=30).run(1200, progress=False)
    expected = _content(12)

    again = VehicleGenerator(seed=12, dealers=30).run(1200, progress=False)
    assert (again.created, again.skipped) == (0, 1200)
    assert Vehicle.objects.filter(source_key__startswith="gen:12:").count() == 1200

    Vehicle.objects.filter(source_key__in=[f"gen:12:{n}" for n in (0, 7, 1199)]).delete()
    repaired = VehicleGenerator(seed=12, dealers=30).run(1200, progress=False)
    assert (repaired.created, repaired.skipped) == (3, 1197)
    assert _content(12) == expected

    grown = VehicleGenerator(seed=12, dealers=30).run(1500, progress=False)
    assert (grown.created, grown.skipped) == (300, 1200)
    assert _content(12)[:1200] == expected[:1200]


@pytest.mark.django_db(transaction=True)
def test_parallel_streams_write_the_same_rows_as_one():
    # Small chunks and transactions, so that a small run still spreads over several streams.
    def generator(**options):
        return VehicleGenerator(seed=13, dealers=20, chunk=400, **options)

    generator(rows_per_transaction=400).run(1500, progress=False, workers=2)
    parallel = _content(13)
    assert len(parallel) == 1500
    Vehicle.objects.filter(source_key__startswith="gen:13:").delete()
    generator().run(1500, progress=False, workers=1)
    assert _content(13) == parallel
