"""Weekly commission statements, by the rules in sales.commissions.

Dealers: each Monday, every dealer with commission-bearing deals that are paid but not yet settled
hears the week's total once. Brokers: the same run accrues any paid deal and reverses any refund
not yet counted (the frequent accrual sweep normally has), then settles each broker's unsettled
entries into that week's statement."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from jobs import marks
from notifications.events import emit_many

from .commissions import EARNED_STAGES, accrue_commissions, settle_statements

_DEALER_TOTALS = """
SELECT v.dealer_id, COUNT(*), SUM(d.agreed_price * d.commission_rate / c.units_per_usd)
  FROM sales_deal d JOIN catalog_vehicle v ON v.id = d.vehicle_id JOIN catalog_currency c ON c.code = d.currency_id
 WHERE d.stage = ANY(%s) AND d.commission_rate > 0 AND v.dealer_id > %s
 GROUP BY v.dealer_id ORDER BY v.dealer_id LIMIT %s
"""


def send_statements(*, now: datetime | None = None, page_size: int = 500) -> int:
    now = now or timezone.now()
    settle_broker_statements(now=now)
    return send_dealer_statements(now=now, page_size=page_size)


def settle_broker_statements(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    while any(accrue_commissions(now=now).values()):
        pass
    return settle_statements(now=now)


def send_dealer_statements(*, now: datetime, page_size: int = 500) -> int:
    year, week, _ = now.isocalendar()
    week_key = f"{year}-W{week:02d}"
    after, sent = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_DEALER_TOTALS, [list(EARNED_STAGES), after, page_size])
            rows = cursor.fetchall()
        if not rows:
            return sent
        with transaction.atomic():
            claimed = marks.claim("commission_statement", {dealer_id: week_key for dealer_id, _, _ in rows})
            sent += emit_many(
                (
                    "commission_statement",
                    {
                        "dealer_id": dealer_id,
                        "week": week_key,
                        "deals": count,
                        "total": str(round(total, 2)),
                        "currency": "USD",
                    },
                )
                for dealer_id, count, total in rows
                if dealer_id in claimed
            )
        after = rows[-1][0]
