"""Reports on the served scores: conversion by A/B arm, and drift of the features and the score."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings
from django.db.models import Min

from . import drift
from .features import lead_features
from .model import matrix
from .models import DriftReport, LeadScore
from .outcomes import lead_outcomes
from .registry import artefact, current_model

log = logging.getLogger(__name__)

# A month of leads always differs from a year of them in its calendar month: that is the season, not drift.
NOT_DRIFT = {"month"}


def conversion_by_arm(*, since: datetime | None = None, now: datetime | None = None) -> dict[str, dict]:
    """Per arm: leads assigned, decided, won, conversion of the decided ones, mean shown score, and the
    conversion of the decided leads whose shown score was in the arm's top 10 % (what a dealer who
    works the best-scored leads first would see). `since`: only leads created from then on (e.g. after
    the model's training data, so no arm is measured on leads it learned from)."""
    now = now or datetime.now(UTC)
    chosen = LeadScore.objects.filter(lead__created_at__gte=since) if since else LeadScore.objects.all()
    scores = {s.lead_id: s for s in chosen}
    if not scores:
        return {}
    first = chosen.aggregate(at=Min("lead__created_at"))["at"]
    outcomes = {o.lead_id: o for o in lead_outcomes(start=first, end=now, now=now)}
    report: dict[str, dict] = {}
    decided: dict[str, list[tuple[int, int, int]]] = {}
    for lead_id, s in scores.items():
        arm = report.setdefault(s.arm, {"leads": 0, "decided": 0, "won": 0, "score_sum": 0})
        arm["leads"] += 1
        arm["score_sum"] += s.score
        outcome = outcomes.get(lead_id)
        if outcome is not None and outcome.won is not None:
            arm["decided"] += 1
            arm["won"] += int(outcome.won)
            decided.setdefault(s.arm, []).append((-s.score, lead_id, int(outcome.won)))
    for name, arm in report.items():
        arm["conversion"] = round(arm["won"] / arm["decided"], 4) if arm["decided"] else None
        arm["mean_score"] = round(arm.pop("score_sum") / arm["leads"], 1)
        ranked = sorted(decided.get(name, []))
        top = ranked[: max(1, len(ranked) // 10)] if ranked else []
        arm["top10_conversion"] = round(sum(won for _, _, won in top) / len(top), 4) if top else None
    return report


def drift_report(*, now: datetime | None = None) -> DriftReport | None:
    """PSI of each feature and of the model score, recent leads against the serving model's training data."""
    entry = current_model()
    if entry is None:
        return None
    now = now or datetime.now(UTC)
    since = now - timedelta(days=settings.SCORING_DRIFT_WINDOW_DAYS)
    recent = [o.lead_id for o in lead_outcomes(start=since, end=now, now=now)]
    rows = list(lead_features(recent).values())
    psi = {}
    if rows:
        for name in entry.features:
            if name in NOT_DRIFT:
                continue
            psi[name] = drift.psi_against(entry.reference[name], [row.get(name) for row in rows])
        scores = np.round(artefact(entry).probability(matrix(rows, entry.features)) * 100)
        psi["score"] = drift.psi_against(entry.reference["score"], scores.tolist())
    drifted = sorted(name for name, value in psi.items() if value > settings.SCORING_DRIFT_PSI_ALERT)
    report = DriftReport.objects.create(
        model=entry, window_start=since, leads=len(rows), psi=psi, alert=bool(drifted), drifted=drifted
    )
    if drifted:
        log.error(
            "lead model %s: drift over PSI %s in %s", entry.pk, settings.SCORING_DRIFT_PSI_ALERT, ", ".join(drifted)
        )
    return report
