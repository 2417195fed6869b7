"""Never send the same follow-up twice: claim (kind, object, situation) before telling anyone.

A claim is one INSERT ... ON CONFLICT that only succeeds for a situation not marked before; run it in
the transaction that writes the notification, and the mark and the message commit (or roll back) together.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection

from .models import FollowUpMark

_CLAIM_SQL = f"""
INSERT INTO {FollowUpMark._meta.db_table} (kind, object_id, value, marked_at)
SELECT %s, t.object_id, t.value, now() FROM unnest(%s::bigint[], %s::text[]) AS t(object_id, value)
ON CONFLICT (kind, object_id) DO UPDATE SET value = EXCLUDED.value, marked_at = EXCLUDED.marked_at
 WHERE {FollowUpMark._meta.db_table}.value IS DISTINCT FROM EXCLUDED.value
RETURNING object_id
"""


def claim(kind: str, situations: Mapping[int, str]) -> set[int]:
    """Mark each object's current situation; return the objects whose situation is new (to be told)."""
    if not situations:
        return set()
    ids = list(situations)
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [kind, ids, [str(situations[i]) for i in ids]])
        return {row[0] for row in cursor.fetchall()}
