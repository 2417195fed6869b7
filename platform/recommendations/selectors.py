"""CTR of similar-vehicle lists per blend arm, for the analysts' dashboard."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

CTR_SQL = """
WITH shown AS (
    SELECT arm, list_id, COUNT(*) AS impressions
      FROM recommendations_recommendationimpression
     WHERE shown_at >= %(since)s AND shown_at < %(until)s
     GROUP BY arm, list_id
), clicked AS (
    -- A click counts once per shown vehicle, and only on a vehicle the list showed.
    SELECT DISTINCT c.list_id, c.vehicle_id
      FROM recommendations_recommendationclick c
      JOIN recommendations_recommendationimpression i ON i.list_id = c.list_id AND i.vehicle_id = c.vehicle_id
     WHERE i.shown_at >= %(since)s AND i.shown_at < %(until)s
)
SELECT s.arm, COUNT(*) AS lists, SUM(s.impressions) AS impressions,
       COALESCE(SUM(k.clicks), 0) AS clicks, COUNT(k.list_id) AS lists_clicked
  FROM shown s
  LEFT JOIN (SELECT list_id, COUNT(*) AS clicks FROM clicked GROUP BY list_id) k ON k.list_id = s.list_id
 GROUP BY s.arm
 ORDER BY s.arm
"""


def recommendation_ctr_by_arm(*, since: datetime, until: datetime) -> dict[str, dict]:
    """Per arm: lists shown, impressions, clicks, CTR (clicks / impressions), lists with a click."""
    with connection.cursor() as cursor:
        cursor.execute(CTR_SQL, {"since": since, "until": until})
        rows = cursor.fetchall()
    return {
        arm: {
            "lists": int(lists),
            "impressions": int(impressions),
            "clicks": int(clicks),
            "ctr": round(int(clicks) / int(impressions), 4) if impressions else None,
            "list_ctr": round(int(lists_clicked) / int(lists), 4) if lists else None,
        }
        for arm, lists, impressions, clicks, lists_clicked in rows
    }
