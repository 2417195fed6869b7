"""Smoke test of the search engine through the official client and its one transport adapter."""

import pytest
from django.conf import settings

from search.client import OpenSearchCompatibleNode, get_client, node_class_for

pytestmark = pytest.mark.engine


@pytest.fixture
def scratch_index():
    es = get_client()
    name = f"{settings.SEARCH_INDEX_PREFIX}-smoke"
    es.indices.delete(index=name, ignore_unavailable=True)
    es.indices.create(
        index=name,
        settings={"number_of_replicas": 0},
        mappings={"properties": {"make": {"type": "keyword"}, "title": {"type": "text"}, "price": {"type": "double"}}},
    )
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)


def test_the_node_is_healthy_and_the_adapter_is_chosen_by_one_setting():
    health = get_client().cluster.health(wait_for_status="yellow", timeout="30s")
    assert health["status"] in {"green", "yellow"} and not health["timed_out"]
    assert node_class_for("opensearch") is OpenSearchCompatibleNode
    with pytest.raises(ValueError, match="SEARCH_ENGINE_FLAVOR"):
        node_class_for("solr")


def test_index_search_and_aggregate_through_the_client(scratch_index):
    es = get_client()
    docs = [
        ("Toyota", "Toyota Corolla GLi", 12000),
        ("Toyota", "Toyota Camry XLE", 18000),
        ("Honda", "Honda Civic", 15000),
    ]
    operations = []
    for n, (make, title, price) in enumerate(docs):
        operations += [
            {"index": {"_index": scratch_index, "_id": str(n)}},
            {"make": make, "title": title, "price": price},
        ]
    response = es.bulk(operations=operations, refresh=True)
    assert not response["errors"]

    hits = es.search(index=scratch_index, query={"match": {"title": {"query": "camri", "fuzziness": "AUTO"}}})
    assert [hit["_source"]["title"] for hit in hits["hits"]["hits"]] == ["Toyota Camry XLE"]

    aggs = es.search(
        index=scratch_index,
        size=0,
        aggs={"makes": {"terms": {"field": "make"}, "aggs": {"mean_price": {"avg": {"field": "price"}}}}},
    )
    buckets = {b["key"]: (b["doc_count"], b["mean_price"]["value"]) for b in aggs["aggregations"]["makes"]["buckets"]}
    assert buckets == {"Toyota": (2, 15000.0), "Honda": (1, 15000.0)}
