"""The least a Python server can do for a keystroke, served by bench/keystroke_floor.py: read `q`, count
the client in Redis (one round trip, as the rate limit does), fill in the typeahead's rendered
`_msearch`, send it to the engine on a kept connection, and answer the hits' sources as JSON. No
Django request, middleware, validation, card shaping or sharing: a floor, not a product."""

from __future__ import annotations

import http.client
import threading
import urllib.parse

import django
import orjson
import redis

django.setup()

from django.conf import settings  # noqa: E402

from api.throttles import _COUNT_SCRIPT  # noqa: E402
from search.indexes import suggestions_alias, vehicles_alias  # noqa: E402
from search.selectors import _typeahead_template, public_scope  # noqa: E402

TEMPLATE = _typeahead_template(suggestions_alias(), vehicles_alias(), public_scope(), 8, 3)
ENGINE = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
COUNT = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).register_script(_COUNT_SCRIPT)
_local = threading.local()


def _engine() -> http.client.HTTPConnection:
    if not hasattr(_local, "conn"):
        _local.conn = http.client.HTTPConnection(ENGINE.hostname, ENGINE.port, timeout=30)
    return _local.conn


def application(environ, start_response):
    text = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
    COUNT(keys=[f"keystroke-floor:{environ.get('REMOTE_ADDR', '')}"], args=[61])
    conn = _engine()
    conn.request("POST", "/_msearch", body=TEMPLATE.render(text), headers={"Content-Type": "application/x-ndjson"})
    suggestions, vehicles = orjson.loads(conn.getresponse().read())["responses"]
    body = orjson.dumps(
        {
            "query": text,
            "suggestions": [hit["_source"] for hit in suggestions["hits"]["hits"]],
            "vehicles": [hit["_source"] for hit in vehicles["hits"]["hits"]],
        }
    )
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
