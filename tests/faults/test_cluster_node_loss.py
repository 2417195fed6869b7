"""A 3-node OpenSearch cluster (three JVMs, own ports and data dirs) loses a node to SIGKILL in the
middle of sustained writes and searches: searches keep answering, and afterwards Postgres and the
index agree exactly. Heavy (three 512 MB JVMs): run it alone.

    pytest tests/faults/test_cluster_node_loss.py -s     (prints writes, searches, failures, diff)
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from indexers import index_admin
from indexers.rebuild import rebuild_vehicle_index
from localstack.engine import Engine
from search.client import get_client
from tests.support.processes import start_test_process
from tests.support.sync_support import Writer, expected_documents, seed_dealers, wait_for_sync

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine, pytest.mark.slow]

HTTP_PORTS = (9271, 9272, 9273)
TRANSPORT_PORTS = (9371, 9372, 9373)
PREFIX = "cluster"


def cluster_health(url: str, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{url}/_cluster/health?{query}", timeout=90) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("cluster")
    nodes = [
        Engine(
            port=http,
            data_dir=base / f"node{i}",
            heap="512m",
            transport_port=transport,
            peers=tuple(p for p in TRANSPORT_PORTS if p != transport),
            bootstrap=i == 0,
            cluster_name="nzila-cluster-test",
        )
        for i, (http, transport) in enumerate(zip(HTTP_PORTS, TRANSPORT_PORTS, strict=True))
    ]
    try:
        for node in nodes:  # the bootstrapping node first; the others join it
            node.start(timeout=180)
        health = cluster_health(nodes[0].url, wait_for_nodes=3, timeout="90s")
        assert health["number_of_nodes"] == 3, health
        yield nodes
    finally:
        for node in nodes:
            node.stop()


@pytest.fixture
def on_cluster(cluster, celery_worker_process):
    url = ",".join(node.url for node in cluster)
    env = {
        "ELASTICSEARCH_URL": url,
        "NZILA_INDEX_PREFIX": PREFIX,
        "NZILA_SEARCH_INDEX_SHARDS": "2",
        "NZILA_SEARCH_INDEX_REPLICAS": "1",
        "NZILA_INDEXER_SWEEP_SECONDS": "1",
        "NZILA_INDEXER_BATCH_SIZE": "200",
    }
    with override_settings(
        ELASTICSEARCH_URL=url, SEARCH_INDEX_PREFIX=PREFIX, SEARCH_INDEX_SHARDS=2, SEARCH_INDEX_REPLICAS=1
    ):
        get_client.cache_clear()
        es = get_client()
        index_admin.drop_indexes(es, index_admin.physical_indexes(es, index_admin.VEHICLES))
        rebuild_vehicle_index()
        celery_worker_process("cluster-worker", queues="default", concurrency=2, env=env)
        listener = start_test_process("cluster-listener", [sys.executable, "manage.py", "search_listen"], env)
        try:
            yield cluster
        finally:
            listener.stop(timeout=10)
            get_client.cache_clear()


class Searcher(threading.Thread):
    """Public searches through the API, back to back, counting answers and failures."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop_event = threading.Event()
        self.answered = self.failed = 0
        self.failures: list[str] = []

    def run(self) -> None:
        api = APIClient()
        while not self.stop_event.is_set():
            response = api.get("/api/v1/vehicles/search", {"q": "toyota", "facets": "make,body", "size": 5})
            if response.status_code == 200:
                self.answered += 1
            else:
                self.failed += 1
                self.failures.append(f"{response.status_code} {response.content[:200]!r}")
            time.sleep(0.02)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=60)


def test_a_node_sigkilled_under_writes_and_searches(on_cluster):
    nodes = on_cluster
    vitals = get_client().indices.get_settings(index=f"{PREFIX}-vehicles")
    index_settings = next(iter(vitals.values()))["settings"]["index"]
    assert (index_settings["number_of_shards"], index_settings["number_of_replicas"]) == ("2", "1")
    dealers = seed_dealers()
    writers = [Writer(dealers, seed=s, pause=0.01) for s in (1, 2)]
    searchers = [Searcher() for _ in range(2)]
    for thread in (*writers, *searchers):
        thread.start()
    time.sleep(10)
    before = sum(w.operations for w in writers)
    victim = nodes[0]  # the node that formed the cluster, and likely the elected manager
    victim.kill()
    killed_at = time.monotonic()
    # The survivors elect a manager and promote replicas; writes and searches go on meanwhile.
    survivor = nodes[1]
    health = cluster_health(survivor.url, wait_for_nodes=2, wait_for_status="yellow", timeout="90s")
    recovered_after = time.monotonic() - killed_at
    time.sleep(10)
    during = sum(w.operations for w in writers) - before
    for writer in writers:
        writer.stop()
    for searcher in searchers:
        searcher.stop()
    docs = wait_for_sync(timeout=300)
    expected = expected_documents()
    missing = set(expected) - set(docs)
    extra = set(docs) - set(expected)
    stale = {i for i in set(expected) & set(docs) if expected[i] != docs[i]}
    answered = sum(s.answered for s in searchers)
    failed = sum(s.failed for s in searchers)
    print(
        f"\ncluster: writes during the node loss {during}, searches answered {answered}, failed {failed}, "
        f"cluster {health['status']} with {health['number_of_nodes']} nodes after {recovered_after:.1f}s, "
        f"final diff: missing {len(missing)}, extra {len(extra)}, stale {len(stale)} of {len(expected)} documents"
    )
    assert health["number_of_nodes"] == 2 and health["status"] in {"green", "yellow"}
    assert during > 0 and answered > 0
    assert failed == 0, searchers[0].failures[:5] + searchers[1].failures[:5]
    assert docs == expected
