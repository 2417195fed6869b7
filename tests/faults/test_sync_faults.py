"""Fault tests of the sync pipeline with real processes: Celery workers and beat, the change listener,
a search engine and a Redis of this module's own (so they can be stopped, killed and wiped).

Every test ends with the exact comparison: the index holds each listable row at its version, and
nothing else.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time

import pytest
from django.test import override_settings

from catalog.models import Dealer, Vehicle
from indexers import index_admin
from indexers.rebuild import rebuild_vehicle_index
from localstack.engine import Engine
from localstack.paths import LOG_DIR
from localstack.process import ManagedProcess, log_tail
from localstack.redis import Redis
from localstack.stack import celery_beat_argv
from reliability.polling import PollTimeout
from search.client import get_client
from tests.support.factories import make_dealer, make_vehicle, vehicle_fields
from tests.support.processes import start_test_process
from tests.support.sync_support import (
    Writer,
    expected_documents,
    indexed_documents,
    pending_changes,
    seed_dealers,
    wait_for_sync,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine, pytest.mark.slow]

ENGINE_PORT = 9260
REDIS_PORT = 6390
PREFIX = "fault"


@pytest.fixture(scope="module")
def own_services(tmp_path_factory):
    base = tmp_path_factory.mktemp("fault-stack")
    engine = Engine(port=ENGINE_PORT, data_dir=base / "engine", heap="768m")
    redis = Redis(port=REDIS_PORT, data_dir=base / "redis")
    engine.start()
    redis.start()
    yield {"engine": engine, "redis": redis, "base": base}
    engine.stop()
    redis.stop()


@pytest.fixture
def stack(own_services, celery_worker_process):
    """Point this process and every child at the module's own engine and Redis."""
    env = {
        "ELASTICSEARCH_URL": own_services["engine"].url,
        "NZILA_INDEX_PREFIX": PREFIX,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "NZILA_INDEXER_SWEEP_SECONDS": "1",
        "NZILA_INDEXER_BATCH_SIZE": "200",
        "NZILA_VAR_DIR": str(own_services["base"]),
    }
    children: list[ManagedProcess] = []

    def spawn(name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> ManagedProcess:
        proc = start_test_process(f"fault-{name}", argv, {**env, **(extra_env or {})})
        children.append(proc)
        return proc

    with override_settings(
        ELASTICSEARCH_URL=env["ELASTICSEARCH_URL"], SEARCH_INDEX_PREFIX=PREFIX, INDEXER_BATCH_SIZE=200
    ):
        get_client.cache_clear()
        es = get_client()
        index_admin.drop_indexes(es, index_admin.physical_indexes(es, index_admin.VEHICLES))
        rebuild_vehicle_index()
        helpers = {
            "env": env,
            "worker": lambda concurrency=2: celery_worker_process(
                "fault-worker", queues="default", concurrency=concurrency, env=env
            ),
            "listener": lambda **extra_env: spawn(
                "listener", [sys.executable, "manage.py", "search_listen"], extra_env
            ),
            "beat": lambda: spawn(
                "beat", celery_beat_argv(own_services["base"] / "beat-schedule", python=sys.executable)
            ),
            **own_services,
        }
        try:
            yield helpers
        finally:
            for proc in children:
                proc.stop(timeout=10)
            get_client.cache_clear()
    get_client.cache_clear()


def assert_exactly_in_sync(timeout: float = 300) -> None:
    try:
        docs = wait_for_sync(timeout=timeout)
    except PollTimeout as exc:
        # The children's own words are the only account of why they did not catch up.
        logs = [LOG_DIR / "fault-listener.log", LOG_DIR / "fault-beat.log"]
        logs += sorted(LOG_DIR.glob(f"test-fault-worker-{os.getpid()}-*.log"))
        tails = "\n".join(f"--- {p.name}\n{log_tail(p, 40)}" for p in logs)
        raise PollTimeout(f"{exc}\n{tails}") from None
    assert docs == expected_documents()


def test_worker_sigkilled_mid_batch_loses_nothing(stack):
    dealer = make_dealer()
    worker = stack["worker"](concurrency=1)
    # Queue a large backlog before anyone drains, so the kill lands while batches are in flight.
    for _ in range(10):
        Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(dealer)) for _ in range(400)])
    stack["listener"]()
    deadline = time.monotonic() + 60
    while pending_changes() > 3500 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pending_changes() > 0, "the backlog drained before the kill; the test proves nothing"
    worker.kill()
    left_behind = pending_changes()
    assert left_behind > 0
    stack["worker"](concurrency=1)
    stack["beat"]()
    assert_exactly_in_sync()
    assert len(expected_documents()) == 4000


def test_engine_stopped_during_writes_then_restarted(stack):
    stack["worker"]()
    stack["listener"]()
    stack["beat"]()
    writer = Writer(seed_dealers(), seed=1, pause=0.01)
    writer.start()
    time.sleep(3)
    stack["engine"].stop()
    time.sleep(5)  # writes continue while the engine is away; they wait in Postgres
    assert writer.is_alive() and pending_changes() > 0
    stack["engine"].start()
    time.sleep(3)
    assert writer.stop() > 50
    assert_exactly_in_sync()


def test_engine_back_without_its_index_is_rebuilt(stack):
    stack["worker"]()
    stack["listener"]()
    stack["beat"]()
    dealer = make_dealer()
    for _ in range(50):
        make_vehicle(dealer)
    assert_exactly_in_sync()
    engine = stack["engine"]
    engine.stop()
    shutil.rmtree(engine.data_dir)
    engine.start()
    for _ in range(20):
        make_vehicle(dealer)
    assert_exactly_in_sync()
    assert len(indexed_documents()) == 70


def test_redis_restarted_while_writing(stack):
    stack["worker"]()
    stack["listener"]()
    stack["beat"]()
    writer = Writer(seed_dealers(), seed=2, pause=0.01)
    writer.start()
    time.sleep(2)
    stack["redis"].stop()
    time.sleep(3)
    stack["redis"].start()
    time.sleep(3)
    assert writer.stop() > 50
    assert_exactly_in_sync()


def test_redis_gone_for_good_the_listener_applies_changes_itself(stack):
    """No broker, no kicks, no sweep: changes wait their stall time in Postgres, then the listener
    applies them, so search stays current through a Redis outage of any length."""
    stack["worker"]()
    listener = stack["listener"](NZILA_INDEXER_STALL_SECONDS="2")
    writer = Writer(seed_dealers(), seed=4, pause=0.01)
    writer.start()
    time.sleep(2)
    stack["redis"].stop()
    try:
        time.sleep(4)
        assert writer.stop() > 50
        assert_exactly_in_sync(timeout=120)
        assert "the listener applied" in listener.log_file.read_text()
    finally:
        stack["redis"].start()


def test_rebuild_while_writes_continue(stack):
    stack["worker"]()
    stack["listener"]()
    dealer_ids = seed_dealers(20)
    dealers = list(Dealer.objects.filter(pk__in=dealer_ids))
    Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(random.choice(dealers))) for _ in range(3000)])
    assert_exactly_in_sync()
    es = get_client()
    (before,) = index_admin.alias_targets(es, index_admin.VEHICLES)
    writer = Writer(dealer_ids, seed=3, pause=0.02)
    writer.start()
    report = rebuild_vehicle_index()
    operations = writer.stop()
    (after,) = index_admin.alias_targets(es, index_admin.VEHICLES)
    assert after != before and not es.indices.exists(index=before)
    assert operations > 20, "no writes overlapped the rebuild"
    assert report.documents_loaded >= 2900
    assert_exactly_in_sync()


def test_long_random_mix_of_writes_stays_exactly_in_sync(stack):
    stack["worker"]()
    stack["worker"]()
    stack["listener"]()
    stack["beat"]()
    dealer_ids = seed_dealers(8)
    writers = [Writer(dealer_ids, seed=10 + n, pause=0.005) for n in range(2)]
    for writer in writers:
        writer.start()
    time.sleep(20)
    operations = sum(writer.stop() for writer in writers)
    assert operations > 300
    assert_exactly_in_sync()
    # Versions equal means contents equal; spot-check a field anyway.
    es = get_client()
    for vehicle in Vehicle.objects.filter(status="available").order_by("?")[:20]:
        doc = es.get(index=f"{PREFIX}-vehicles", id=str(vehicle.pk))["_source"]
        assert doc["mileage_km"] == vehicle.mileage_km and doc["price"] == float(vehicle.price)
