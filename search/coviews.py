"""'Buyers who viewed this also viewed': co-views from buyers.VehicleView in Postgres, recent ones weighing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection

# Views older than this are ignored; within it a view's weight halves about every 21 days (tau 30 d).
WINDOW_DAYS = 180
DECAY_SECONDS = 30 * 86400
# A look shorter than this (seconds) is a bounce, not interest.
MIN_DWELL_SECONDS = 3
# Only the most recent viewers count, so a very popular car costs no more than an ordinary one.
MAX_VIEWERS = 2000

COVIEW_SQL = """
WITH viewers AS (
    SELECT user_id, session_key, MAX(viewed_at) AS seen
      FROM buyers_vehicleview
     WHERE vehicle_id = %(vehicle)s AND viewed_at >= %(since)s
     GROUP BY user_id, session_key
     ORDER BY seen DESC
     LIMIT %(max_viewers)s
), pairs AS (
    SELECT o.vehicle_id, COALESCE(o.user_id::text, 's:' || o.session_key) AS viewer, MAX(o.viewed_at) AS seen
      FROM viewers w
      JOIN buyers_vehicleview o
        ON (w.user_id IS NOT NULL AND o.user_id = w.user_id)
        OR (w.user_id IS NULL AND o.user_id IS NULL AND o.session_key = w.session_key)
     WHERE o.vehicle_id <> %(vehicle)s AND o.viewed_at >= %(since)s
       AND (o.dwell_seconds IS NULL OR o.dwell_seconds >= %(min_dwell)s)
     GROUP BY 1, 2
)
SELECT vehicle_id, SUM(EXP(-EXTRACT(EPOCH FROM (%(now)s - seen)) / %(tau)s)) AS score, COUNT(*) AS viewers
  FROM pairs
 GROUP BY vehicle_id
 ORDER BY score DESC, vehicle_id
 LIMIT %(limit)s
"""


def coviewed_vehicles(vehicle_id: int, *, limit: int, now: datetime | None = None) -> list[tuple[int, float, int]]:
    """(vehicle id, recency-weighted viewer count, distinct viewers), best first."""
    now = now or datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            COVIEW_SQL,
            {
                "vehicle": vehicle_id,
                "since": now - timedelta(days=WINDOW_DAYS),
                "now": now,
                "tau": DECAY_SECONDS,
                "min_dwell": MIN_DWELL_SECONDS,
                "max_viewers": MAX_VIEWERS,
                "limit": limit,
            },
        )
        return [(int(vid), float(score), int(viewers)) for vid, score, viewers in cursor.fetchall()]
