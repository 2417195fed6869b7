"""A lead's features, read from Postgres as of the moment the lead was created, never later.

Every row that feeds a feature is filtered on a timestamp strictly before the lead's `created_at`
(views, saved searches, price watches, earlier leads, deals paid, price history), so a row written
after the lead can never change its features: the model is trained on what was knowable when a
score is needed. Known approximations, all of them "now" values rather than future rows: prices are
converted to USD at today's rate, and a vehicle without price history counts at its current price.

The dealer's response behaviour comes from the inquiry threads (`inquiries_inquiry`): the median
hours to a first answer of the dealer's threads answered before the lead, and the share of threads
delivered at least 48 hours before the lead that were answered within 48 hours (so an answer after
the lead's creation can never count). The lead's own thread is never among them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils.translation import gettext_noop as _

from .outcomes import WON_STAGES

CATEGORICAL = ["make", "model", "source", "destination_country", "currency"]
NUMERIC = [
    "vehicle_age_years",
    "price_usd",
    "price_vs_market",
    "days_on_market",
    "views_30d",
    "vehicles_viewed_30d",
    "views_of_vehicle",
    "dwell_on_vehicle",
    "hours_since_last_view",
    "saved_searches",
    "price_watches",
    "watches_vehicle",
    "buyer_account_days",
    "prior_leads",
    "prior_wins",
    "has_broker",
    "broker_leads",
    "broker_wins",
    "dealer_leads_180d",
    "dealer_wins_180d",
    "dealer_win_rate",
    "dealer_response_hours",
    "dealer_answered_48h",
    "month",
    "weekday",
]
FEATURES = CATEGORICAL + NUMERIC

# English, as stored with each score (the API's `label`); pages show them translated (selectors.py).
LABELS = {
    "make": _("Make"),
    "model": _("Model"),
    "source": _("Lead source"),
    "destination_country": _("Destination country"),
    "currency": _("Price currency"),
    "vehicle_age_years": _("Vehicle age (years)"),
    "price_usd": _("Price (USD)"),
    "price_vs_market": _("Price against market"),
    "days_on_market": _("Days on market"),
    "views_30d": _("Buyer's views (30 days)"),
    "vehicles_viewed_30d": _("Vehicles the buyer viewed (30 days)"),
    "views_of_vehicle": _("Views of this vehicle"),
    "dwell_on_vehicle": _("Time spent on this vehicle (s)"),
    "hours_since_last_view": _("Hours since the buyer's last view"),
    "saved_searches": _("Saved searches"),
    "price_watches": _("Price watches"),
    "watches_vehicle": _("Watches this vehicle's price"),
    "buyer_account_days": _("Buyer's account age (days)"),
    "prior_leads": _("Buyer's earlier leads"),
    "prior_wins": _("Buyer's earlier purchases"),
    "has_broker": _("Brought by a broker"),
    "broker_leads": _("Broker's earlier leads"),
    "broker_wins": _("Broker's earlier sales"),
    "dealer_leads_180d": _("Dealer's leads (180 days)"),
    "dealer_wins_180d": _("Dealer's sales (180 days)"),
    "dealer_win_rate": _("Dealer's conversion (180 days)"),
    "dealer_response_hours": _("Dealer's usual first answer (hours)"),
    "dealer_answered_48h": _("Dealer's questions answered within 48 h"),
    "month": _("Month"),
    "weekday": _("Day of week"),
}

FEATURE_SQL = """
SELECT l.id AS lead_id, l.created_at,
       v.make, v.model, l.source, b.country AS destination_country, v.currency_id AS currency,
       EXTRACT(YEAR FROM l.created_at)::int - v.year AS vehicle_age_years,
       price.usd AS price_usd,
       price.usd / NULLIF(market.median_usd, 0) AS price_vs_market,
       EXTRACT(EPOCH FROM (l.created_at - v.listed_at)) / 86400 AS days_on_market,
       eng.views_30d, eng.vehicles_viewed_30d, eng.views_of_vehicle, eng.dwell_on_vehicle,
       EXTRACT(EPOCH FROM (l.created_at - eng.last_view)) / 3600 AS hours_since_last_view,
       (SELECT COUNT(*) FROM notifications_savedsearch s
         WHERE s.user_id = b.user_id AND s.created_at < l.created_at) AS saved_searches,
       watch.price_watches, watch.watches_vehicle,
       EXTRACT(EPOCH FROM (l.created_at - b.created_at)) / 86400 AS buyer_account_days,
       (SELECT COUNT(*) FROM sales_lead p WHERE p.buyer_id = l.buyer_id AND p.created_at < l.created_at) AS prior_leads,
       (SELECT COUNT(*) FROM sales_deal d WHERE d.buyer_id = l.buyer_id
          AND d.stage = ANY(%(won)s) AND d.stage_changed_at < l.created_at) AS prior_wins,
       (l.broker_id IS NOT NULL)::int AS has_broker,
       broker.leads AS broker_leads, broker.wins AS broker_wins,
       dealer.leads AS dealer_leads_180d, dealer.wins AS dealer_wins_180d,
       resp.response_hours AS dealer_response_hours, resp.answered_48h AS dealer_answered_48h,
       EXTRACT(MONTH FROM l.created_at)::int AS month,
       EXTRACT(ISODOW FROM l.created_at)::int AS weekday
  FROM sales_lead l
  JOIN buyers_buyer b ON b.id = l.buyer_id
  LEFT JOIN catalog_vehicle v ON v.id = l.vehicle_id
  LEFT JOIN LATERAL (
        SELECT COALESCE(
                 (SELECT ph.price / pc.units_per_usd
                    FROM catalog_pricehistory ph JOIN catalog_currency pc ON pc.code = ph.currency_id
                   WHERE ph.vehicle_id = v.id AND ph.recorded_at <= l.created_at
                   ORDER BY ph.recorded_at DESC LIMIT 1),
                 v.price / c.units_per_usd)::float AS usd
          FROM catalog_currency c WHERE c.code = v.currency_id
  ) price ON true
  LEFT JOIN LATERAL (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (o.price / oc.units_per_usd)::float) AS median_usd
          FROM catalog_vehicle o JOIN catalog_currency oc ON oc.code = o.currency_id
         WHERE o.make = v.make AND o.model = v.model AND o.year = v.year AND o.listed_at < l.created_at
  ) market ON true
  LEFT JOIN LATERAL (
        SELECT COUNT(*) AS views_30d, COUNT(DISTINCT vv.vehicle_id) AS vehicles_viewed_30d,
               COUNT(*) FILTER (WHERE vv.vehicle_id = l.vehicle_id) AS views_of_vehicle,
               COALESCE(SUM(vv.dwell_seconds) FILTER (WHERE vv.vehicle_id = l.vehicle_id), 0) AS dwell_on_vehicle,
               MAX(vv.viewed_at) AS last_view
          FROM buyers_vehicleview vv
         WHERE vv.user_id = b.user_id AND vv.viewed_at < l.created_at
           AND vv.viewed_at >= l.created_at - interval '30 days'
  ) eng ON true
  LEFT JOIN LATERAL (
        SELECT COUNT(*) AS price_watches, COUNT(*) FILTER (WHERE w.vehicle_id = l.vehicle_id) AS watches_vehicle
          FROM notifications_pricewatch w WHERE w.user_id = b.user_id AND w.created_at < l.created_at
  ) watch ON true
  LEFT JOIN LATERAL (
        SELECT COUNT(*) AS leads,
               COUNT(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM sales_deal d WHERE d.lead_id = p.id
                      AND d.stage = ANY(%(won)s) AND d.stage_changed_at < l.created_at)) AS wins
          FROM sales_lead p WHERE l.broker_id IS NOT NULL AND p.broker_id = l.broker_id AND p.created_at < l.created_at
  ) broker ON true
  LEFT JOIN LATERAL (
        SELECT COUNT(*) AS leads,
               COUNT(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM sales_deal d WHERE d.lead_id = p.id
                      AND d.stage = ANY(%(won)s) AND d.stage_changed_at < l.created_at)) AS wins
          FROM sales_lead p
         WHERE p.dealer_id = l.dealer_id AND p.created_at < l.created_at
           AND p.created_at >= l.created_at - interval '180 days'
  ) dealer ON true
  LEFT JOIN LATERAL (
        SELECT percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY EXTRACT(EPOCH FROM (i.first_response_at - i.delivered_at)) / 3600)
                   FILTER (WHERE i.first_response_at < l.created_at) AS response_hours,
               AVG((i.first_response_at IS NOT NULL
                    AND i.first_response_at < i.delivered_at + interval '48 hours')::int)
                   FILTER (WHERE i.delivered_at < l.created_at - interval '48 hours') AS answered_48h
          FROM inquiries_inquiry i
         WHERE i.dealer_id = l.dealer_id AND i.lead_id IS DISTINCT FROM l.id
           AND i.delivered_at < l.created_at AND i.delivered_at >= l.created_at - interval '180 days'
  ) resp ON true
 WHERE l.id = ANY(%(ids)s)
 ORDER BY l.created_at, l.id
"""


def _plain(value):
    if value is None or isinstance(value, str | int | float):
        return value
    return float(value)


def lead_features(lead_ids: Iterable[int]) -> dict[int, dict]:
    """{lead id: {feature: value}} as of each lead's creation. Numbers are floats, missing is None."""
    ids = list(lead_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(FEATURE_SQL, {"ids": ids, "won": list(WON_STAGES)})
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    result = {}
    for row in rows:
        leads, wins = row["dealer_leads_180d"], row["dealer_wins_180d"]
        row["dealer_win_rate"] = (wins / leads) if leads else None
        result[row["lead_id"]] = {name: _plain(row[name]) for name in FEATURES} | {"created_at": row["created_at"]}
    return result


def features_hash(features: dict, names: Sequence[str] = FEATURES) -> str:
    payload = json.dumps([features.get(name) for name in names], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
