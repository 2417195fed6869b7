"""Each lead's outcome, derived from the database: won, lost, or still open, and when it was decided.

Won: a deal of the lead reached paid (or went on to shipped/delivered); decided when its stage last
changed. Lost: the lead was marked lost, or all its deals were cancelled (refunds end there), or
nothing moved (no contact, no deal change) for SCORING_LOST_AFTER_DAYS. Anything else is open and
not used for training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

WON_STAGES = ("paid", "shipped", "delivered")

OUTCOME_SQL = """
SELECT l.id, l.created_at, won.at AS won_at,
       CASE
         WHEN won.at IS NOT NULL THEN NULL
         WHEN l.status = 'lost' THEN moved.at
         WHEN deals.n > 0 AND deals.cancelled = deals.n THEN deals.at
         WHEN moved.at < %(now)s - %(quiet)s THEN moved.at + %(quiet)s
       END AS lost_at
  FROM sales_lead l
  LEFT JOIN LATERAL (
        SELECT MIN(d.stage_changed_at) AS at FROM sales_deal d
         WHERE d.lead_id = l.id AND d.stage = ANY(%(won)s)
  ) won ON true
  LEFT JOIN LATERAL (
        SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE d.stage = 'cancelled') AS cancelled,
               MAX(GREATEST(d.updated_at, d.stage_changed_at)) AS at
          FROM sales_deal d WHERE d.lead_id = l.id
  ) deals ON true
  -- The lead's last sign of life: its creation, its last contact, or a change to one of its deals.
  CROSS JOIN LATERAL (
        SELECT GREATEST(l.created_at, COALESCE(l.last_contact_at, l.created_at), COALESCE(deals.at, l.created_at)) AS at
  ) moved
 WHERE l.created_at >= %(start)s AND l.created_at < %(end)s
"""


@dataclass(frozen=True)
class Outcome:
    lead_id: int
    created_at: datetime
    won: bool | None  # None: still open
    decided_at: datetime | None


def lead_outcomes(*, start: datetime, end: datetime, now: datetime) -> list[Outcome]:
    """Outcomes, as known at `now`, of the leads created in [start, end), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            OUTCOME_SQL + " ORDER BY l.created_at, l.id",
            {
                "start": start,
                "end": end,
                "now": now,
                "quiet": timedelta(days=settings.SCORING_LOST_AFTER_DAYS),
                "won": list(WON_STAGES),
            },
        )
        rows = cursor.fetchall()
    outcomes = []
    for lead_id, created, won_at, lost_at in rows:
        if won_at is not None and won_at <= now:
            outcomes.append(Outcome(lead_id, created, True, won_at))
        elif lost_at is not None and lost_at <= now:
            outcomes.append(Outcome(lead_id, created, False, lost_at))
        else:
            outcomes.append(Outcome(lead_id, created, None, None))
    return outcomes
