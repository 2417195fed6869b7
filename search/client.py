"""The one connection to the search engine, shared by the indexers and the search executor.

Product code speaks Elasticsearch through the official `elasticsearch` client. Against OpenSearch (the
local and CI engine) the client needs exactly one adapter, chosen by SEARCH_ENGINE_FLAVOR: OpenSearch
rejects Elasticsearch's versioned media types and does not send the product header the client checks.
"""

from __future__ import annotations

import functools

import orjson
from django.conf import settings
from elastic_transport import HttpHeaders, Urllib3HttpNode
from elasticsearch import Elasticsearch
from elasticsearch.serializer import JsonSerializer, NdjsonSerializer

_COMPATIBLE_MEDIA_TYPES = {
    "application/vnd.elasticsearch+json; compatible-with=9": "application/json",
    "application/vnd.elasticsearch+x-ndjson; compatible-with=9": "application/x-ndjson",
}


class OpenSearchCompatibleNode(Urllib3HttpNode):
    """Plain JSON media types out; the Elasticsearch product header added to responses coming back."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = HttpHeaders(headers)
            for name in ("accept", "content-type"):
                if headers.get(name) in _COMPATIBLE_MEDIA_TYPES:
                    headers[name] = _COMPATIBLE_MEDIA_TYPES[headers[name]]
        response = super().perform_request(method, target, body=body, headers=headers, **kwargs)
        response.meta.headers["x-elastic-product"] = "Elasticsearch"
        return response


class _Orjson:
    """orjson for the bodies both ways: `_bulk` documents out, `_msearch` responses (hits and facets)
    in, several times faster than the standard library. Types orjson does not know natively
    (Decimal) go through the client's own `default`; non-string keys are written as strings."""

    def json_dumps(self, data):
        return orjson.dumps(data, default=self.default, option=orjson.OPT_NON_STR_KEYS)

    def json_loads(self, data):
        return orjson.loads(data)


class OrjsonJsonSerializer(_Orjson, JsonSerializer):
    pass


class OrjsonNdjsonSerializer(_Orjson, NdjsonSerializer):
    pass


SERIALIZERS = {
    OrjsonJsonSerializer.mimetype: OrjsonJsonSerializer(),
    OrjsonNdjsonSerializer.mimetype: OrjsonNdjsonSerializer(),
}


def node_class_for(flavor: str) -> type[Urllib3HttpNode]:
    if flavor == "opensearch":
        return OpenSearchCompatibleNode
    if flavor == "elasticsearch":
        return Urllib3HttpNode
    raise ValueError(f"SEARCH_ENGINE_FLAVOR must be 'opensearch' or 'elasticsearch', not {flavor!r}")


def engine_hosts(url: str | None = None) -> list[str]:
    """ELASTICSEARCH_URL as a list of nodes: one URL, or several separated by commas (a cluster)."""
    return [host.strip() for host in (url or settings.ELASTICSEARCH_URL).split(",") if host.strip()]


def make_client(
    url: str | None = None, *, timeout: float | None = None, max_retries: int | None = None
) -> Elasticsearch:
    hosts = engine_hosts(url)
    return Elasticsearch(
        hosts,
        node_class=node_class_for(settings.SEARCH_ENGINE_FLAVOR),
        request_timeout=timeout or settings.SEARCH_TIMEOUT_SECONDS,
        # With several nodes, a request that cannot reach one is sent to the next (the client marks the
        # unreachable node dead for a while); with one node there is nowhere else to go.
        max_retries=len(hosts) - 1 if max_retries is None else max_retries,
        retry_on_timeout=False,
        connections_per_node=32,
        serializers=SERIALIZERS,
    )


@functools.cache
def get_client() -> Elasticsearch:
    """The process-wide client (thread-safe, pooled). Tests that move the engine call get_client.cache_clear()."""
    return make_client()


def indexing_client() -> Elasticsearch:
    """The same client with the indexers' longer timeout: a slow `_bulk` is retried, never abandoned early."""
    return get_client().options(request_timeout=settings.INDEXER_REQUEST_TIMEOUT_SECONDS)
