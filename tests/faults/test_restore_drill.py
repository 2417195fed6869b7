"""The restore drill: the system of record comes back from its backups to a point in time, exactly.

A Postgres cluster of this module's own (port 5462) archives its WAL to a pgBackRest repository the
way the local stack's does. The platform writes through every path (ORM, raw SQL, the dealer API, the
console, a CSV import, an inquiry, a card payment), beat's task takes a base backup, writing goes on,
a point in time is noted with a fingerprint of every table, more is written, and the cluster is
restored to that point into a fresh data folder on port 5463. Every table must equal its fingerprint
(every row committed up to the point, nothing after it); then a search rebuild from the restored
database must hold exactly its listable vehicles at their versions.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, override_settings
from rest_framework.test import APIClient

from backups.services import take_due_backup
from backups.status import backup_status
from backups.tasks import take_base_backup
from catalog.ingest.generator import vin_for
from catalog.models import Vehicle
from indexers import index_admin
from inquiries.services import ask
from localstack.paths import VAR_DIR
from localstack.pgbackrest import BackupRepo, good_backups
from localstack.postgres import Postgres, copy_database
from localstack.restore import restore_copy
from payments.models import Payment
from search.client import get_client
from tests.support.factories import (
    ensure_currencies,
    ensure_delivery_reference,
    make_dealer,
    make_vehicle,
    vehicle_fields,
)
from tests.support.metrics_text import samples
from tests.support.payment_simulators.fixtures import (  # noqa: F401 (fixtures)
    clean_payment_cache,
    localstripe_url,
    make_buyer,
    make_deal,
    new_card,
    stripe_env,
    stripe_proxy,
)
from tests.support.sync_support import Writer, expected_documents, indexed_documents, seed_dealers

pytestmark = [pytest.mark.slow, pytest.mark.engine]

# Beside the dev stack (5432) and the stack test (5442).
SOURCE_PORT = 5462
RESTORED_PORT = 5463
STANZA = "drill"
# Vehicles loaded before the backup, so the drill restores a database of some size.
VOLUME = 3000


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker):
    """The drill's own archived cluster holding the suite's migrated test database; removed after."""
    # Not under pytest's tmp folder: pytest resets it to mode 700, and the postgres user must reach it.
    base = Path(tempfile.mkdtemp(prefix="restore-drill-", dir=VAR_DIR))
    base.chmod(0o755)
    repo = BackupRepo(base / "backups", stanza=STANZA)
    source = Postgres(port=SOURCE_PORT, data_dir=base / "source", backups=repo)
    servers = [source]
    try:
        source.start()
        # The suite's migrated test database (with its data migrations' rows): faster than migrating
        # again, and the same schema, triggers included.
        with django_db_blocker.unblock():
            db = connection.settings_dict
            copy_database(source=db, into=source, name=db["NAME"], dump=base / "schema.dump")
        yield {"base": base, "repo": repo, "source": source, "servers": servers}
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def django_on(port: int):
    """This process's database connection pointed at another server for the block."""
    conn = connections["default"]
    conn.close()
    before = conn.settings_dict["PORT"]
    conn.settings_dict["PORT"] = port
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["PORT"] = before


def fingerprint() -> dict[str, tuple[int, str]]:
    """Every table of the database: its row count and a digest of all its rows (sequences aside: they
    are not transactional)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        tables = [row[0] for row in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            found[table] = cursor.fetchone()
    return found


class World:
    """The actors of the drill: a dealer with a member, a buyer paying by card."""

    def __init__(self, stripe_url: str):
        ensure_currencies()
        ensure_delivery_reference()
        self.stripe_url = stripe_url
        self.dealer = make_dealer(name="Drill Motors")
        self.member = User.objects.create_user(f"drill-member-{uuid.uuid4().hex[:8]}", password="pw")
        self.dealer.members.add(self.member)
        self.vins = itertools.count(1)

    def write_through_every_path(self, tag: str) -> list[int]:
        """One write of each kind; returns the ids of the vehicles it created."""
        created = [make_vehicle(self.dealer, description=f"ORM {tag}").pk]
        Vehicle.objects.bulk_create([Vehicle(**v) for v in [vehicle_row(self.dealer, tag) for _ in range(3)]])
        Vehicle.objects.filter(dealer=self.dealer, status="available").update(mileage_km=12345)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE catalog_vehicle SET description = %s WHERE id = %s", [f"raw SQL {tag}", created[0]])
            cursor.execute(
                "DELETE FROM catalog_vehicle WHERE id = (SELECT max(id) FROM catalog_vehicle WHERE dealer_id = %s)",
                [self.dealer.pk],
            )
        api = APIClient()
        api.force_authenticate(self.member)
        vin = vin_for(os.getpid(), next(self.vins))
        body = {"vin": vin, "make": "Honda", "model": "Civic", "year": 2012, "price": "9500", "currency": "USD"}
        response = api.post(f"/api/v1/dealers/{self.dealer.pk}/vehicles", body, format="json")
        assert response.status_code == 201, response.content
        created.append(response.json()["id"])
        patched = api.patch(f"/api/v1/dealers/{self.dealer.pk}/vehicles/{created[0]}", {"price": "8100"}, format="json")
        assert patched.status_code == 200, patched.content
        console = Client()
        console.force_login(self.member)
        edit = {"price": "7900.50", "status": "reserved", "description": f"console {tag}"}
        assert console.post(f"/dealer/{self.dealer.pk}/vehicles/{created[1]}/", edit).status_code == 302
        bulk = {"action": "change_price", "percent": "-5", "vehicles": [created[0]]}
        assert console.post(f"/dealer/{self.dealer.pk}/bulk", bulk).status_code == 302
        upload = io.BytesIO(
            f"reference,make,model,year,price,currency,mileage_km\n{tag}-1,Toyota,Hilux,2020,31000,USD,4".encode()
        )
        upload.name = "stock.csv"
        report = console.post(f"/dealer/{self.dealer.pk}/import", {"file": upload}).context["report"]
        assert report.created == 1, report.rejects
        buyer = make_buyer()
        ask(buyer=buyer, vehicle_id=created[0], body=f"Is it still for sale? ({tag})", client_key=uuid.uuid4())
        payer = Client()
        payer.force_login(buyer.user)
        deal = make_deal(buyer, price="1000.00", deposit="0")
        payer.post(
            "/api/v1/payments/methods",
            {"payment_method": new_card(self.stripe_url), "default": True},
            content_type="application/json",
        )
        paid = payer.post(
            "/api/v1/payments/",
            {"purpose": "deal", "method": "card", "deal_id": deal.id},
            content_type="application/json",
        ).json()
        assert paid["state"] == "succeeded", paid
        created.append(Vehicle.objects.get(source_key=f"dealer:{self.dealer.pk}:{tag}-1").pk)
        return created


def vehicle_row(dealer, tag: str) -> dict:
    return vehicle_fields(dealer, description=f"bulk {tag}", price=Decimal("15000"))


@pytest.mark.django_db(transaction=True)
def test_restore_to_a_point_in_time_brings_back_every_committed_row_and_nothing_after(
    drill, stripe_env, localstripe_url, settings
):
    repo, base = drill["repo"], drill["base"]
    settings.BACKUP_DIR, settings.BACKUP_STANZA = repo.folder, STANZA
    with django_on(SOURCE_PORT):
        world = World(localstripe_url)
        row = vehicle_row(world.dealer, "volume")
        Vehicle.objects.bulk_create([Vehicle(**{**row, "mileage_km": n}) for n in range(VOLUME)])
        world.write_through_every_path("before-backup")
        # The backup is taken online, while another connection keeps writing (every ORM and SQL path).
        writer = Writer(seed_dealers(3), seed=25)
        writer.start()
        started = time.monotonic()
        assert take_base_backup(kind="full")["taken"] == "full"  # beat's task, asked for a full one now
        backup_seconds = time.monotonic() - started
        concurrent_writes = writer.stop()
        kept = world.write_through_every_path("after-backup")
        # pgBackRest records a backup's end in whole seconds and restores to a time only from a backup
        # that ended before it: a point in the backup's last second would need the one before.
        backup_end = good_backups(repo.info())[-1]["timestamp"]["stop"]
        time.sleep(max(0.0, backup_end + 1.01 - time.time()))
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            point = cursor.fetchone()[0]
        at_point = fingerprint()
        documents_at_point = expected_documents()
        payments_at_point = Payment.objects.count()
        lost = world.write_through_every_path("after-the-point")
        assert fingerprint() != at_point
        # What the server had committed reaches the archive (a running server sends each segment when
        # it is full, or after archive_timeout); `check` forces it now instead of a minute later.
        repo.check()

    copy = restore_copy(repo, target_time=str(point), data_dir=base / "restored", port=RESTORED_PORT)
    drill["servers"].append(copy.server)
    with django_on(RESTORED_PORT):
        restored = fingerprint()
        assert restored.keys() == at_point.keys()
        differing = sorted(t for t in at_point if restored[t] != at_point[t])
        assert not differing, f"tables differing from the point in time: {differing}"
        assert Vehicle.objects.filter(pk__in=kept).count() == len(kept)
        assert not Vehicle.objects.filter(pk__in=lost).exists()
        assert Payment.objects.count() == payments_at_point
        rows = sum(count for count, _ in restored.values())

        prefix = f"{settings.SEARCH_INDEX_PREFIX}-restored"
        with override_settings(SEARCH_INDEX_PREFIX=prefix):
            es = get_client()
            try:
                call_command("search_rebuild", verbosity=0, stdout=io.StringIO())
                assert indexed_documents() == expected_documents() == documents_at_point
            finally:
                for kind in (index_admin.VEHICLES, index_admin.SAVED_SEARCHES):
                    index_admin.drop_indexes(es, index_admin.physical_indexes(es, kind))
    print(
        f"\nrestore drill: {rows} rows in {len(restored)} tables as at the point in time, "
        f"{len(documents_at_point)} vehicles in the rebuilt index; base backup {backup_seconds:.1f} s "
        f"({concurrent_writes} writes meanwhile), "
        f"restore to the point {copy.restore_seconds:.1f} s"
    )


@pytest.mark.django_db(transaction=True)  # switches servers: no test transaction around it
def test_health_and_metrics_show_the_age_of_the_last_good_backup(drill, settings):
    """Health's details (staff or the metrics token) and /metrics read the repository itself."""
    settings.BACKUP_DIR, settings.BACKUP_STANZA = drill["repo"].folder, STANZA
    settings.METRICS_TOKEN = "scraper-token"
    take_due_backup()  # the first one, unless the drill took it already
    assert take_due_backup() == {"taken": None, "reason": "not due"}
    scraper = {"HTTP_AUTHORIZATION": "Bearer scraper-token"}
    backups = APIClient().get("/api/v1/health", **scraper).json()["backups"]
    assert backups["configured"] and backups["count"] >= 1 and not backups["stale"]
    assert 0 <= backups["age_seconds"] < 600
    assert "backups" not in APIClient().get("/api/v1/health").json()

    metrics = samples(APIClient().get("/metrics", **scraper).content.decode())
    assert metrics[("nzila_backup_last_good_timestamp_seconds", ())] == backups["last_good_at"]
    assert metrics[("nzila_backup_max_age_seconds", ())] == settings.BACKUP_MAX_AGE_HOURS * 3600
    assert metrics[("nzila_metrics_part_up", (("part", "backups"),))] == 1

    settings.BACKUP_MAX_AGE_HOURS = 0.5 / 3600
    time.sleep(1)
    assert APIClient().get("/api/v1/health", **scraper).json()["backups"]["stale"] is True

    # The drill's server archives; the suite's own (port 5432) need not, and reports what it does.
    with django_on(SOURCE_PORT):
        archive = backup_status()["wal_archive"]
    assert archive["mode"] == "on" and archive["last_archived_at"] and not archive["failing"]
    assert metrics[("nzila_backup_wal_archive_failing", ())] == 0

    settings.BACKUP_DIR = drill["base"] / "nothing-here"
    assert backup_status()["configured"] is False
    metrics = samples(APIClient().get("/metrics", **scraper).content.decode())
    assert metrics[("nzila_backup_configured", ())] == 0
    assert ("nzila_backup_last_good_timestamp_seconds", ()) not in metrics
