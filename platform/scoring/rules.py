"""The six hand-set rules the platform this one replaces called AI, kept as the baseline to beat.

Engagement 30 points, price band 20, source 15, buyer history 15, lead age 10, broker 10: a score
out of 100. As a probability (for the Brier score) it is read as score / 100, uncalibrated, as the
old platform showed it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

SOURCE_POINTS = {"referral": 15, "broker": 12, "direct": 9, "website": 5}


def rule_points(features: dict, *, lead_age_days: float = 0.0) -> dict[str, int]:
    """Points each rule gives a lead (features as of its creation; the lead's age when scored)."""
    views = features.get("views_of_vehicle") or 0
    engagement = (10 if views >= 1 else 0) + (10 if views >= 3 else 0)
    engagement += 5 if (features.get("watches_vehicle") or 0) > 0 else 0
    engagement += 5 if (features.get("saved_searches") or 0) > 0 else 0
    gap = features.get("price_vs_market")
    if gap is None:
        price = 7
    elif gap <= 0.9:
        price = 20
    elif gap <= 1.0:
        price = 14
    elif gap <= 1.1:
        price = 7
    else:
        price = 0
    if (features.get("prior_wins") or 0) > 0:
        history = 15
    elif (features.get("prior_leads") or 0) > 0:
        history = 7
    else:
        history = 0
    return {
        "engagement": engagement,
        "price_band": price,
        "source": SOURCE_POINTS.get(features.get("source") or "", 0),
        "buyer_history": history,
        "lead_age": max(0, 10 - int(lead_age_days // 3)),
        "broker": 10 if features.get("has_broker") else 0,
    }


def rule_score(features: dict, *, lead_age_days: float = 0.0) -> int:
    return sum(rule_points(features, lead_age_days=lead_age_days).values())


RULE_LABELS = {
    "engagement": _("Engagement"),
    "price_band": _("Price band"),
    "source": _("Lead source"),
    "buyer_history": _("Buyer history"),
    "lead_age": _("Lead age"),
    "broker": _("Broker"),
}


def rule_reasons(features: dict, *, lead_age_days: float = 0.0, top: int = 3) -> list[dict]:
    points = rule_points(features, lead_age_days=lead_age_days)
    ranked = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"feature": name, "label": RULE_LABELS[name], "value": None, "effect": value} for name, value in ranked]
