"""Opaque cursors for deep pages: the last hit's sort values, signed and bound to the query they came from.

A cursor is tamper-proof (signed with the project's secret key) and only accepted with the same query,
filters and sort that produced it, so a client cannot replay one against another result list.
"""

from __future__ import annotations

from django.core import signing

_SALT = "nzila.search.cursor.v1"


class InvalidCursor(ValueError):
    pass


def encode_cursor(sort_values: list, *, fingerprint: str) -> str:
    return signing.dumps({"a": list(sort_values), "f": fingerprint}, salt=_SALT, compress=True)


def decode_cursor(token: str, *, fingerprint: str) -> tuple:
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise InvalidCursor("This cursor is malformed or was tampered with.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), list) or payload.get("f") != fingerprint:
        raise InvalidCursor("This cursor belongs to another query, filter set or sort order.")
    return tuple(payload["a"])
