"""Celery tasks of lead scoring: score leads after commit, sweep the ones missed, retrain, report drift."""

from __future__ import annotations

import logging

from celery import shared_task

from jobs.base import reliable_task

log = logging.getLogger(__name__)

SWEEP_BATCH = 500


@reliable_task(name="scoring.tasks.score_leads", soft_time_limit=120, time_limit=150)
def score_leads(lead_ids: list[int]) -> int:
    from .serving import score_leads as score

    return score(lead_ids)


@shared_task(
    name="scoring.tasks.score_unscored_leads", acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=280
)
def score_unscored_leads() -> int:
    """Leads that have no score yet (written by bulk loads or raw SQL, or their task was lost)."""
    from sales.models import Lead

    ids = list(Lead.objects.filter(score__isnull=True).order_by("id").values_list("id", flat=True)[: SWEEP_BATCH * 10])
    for start in range(0, len(ids), SWEEP_BATCH):
        score_leads.delay(ids[start : start + SWEEP_BATCH])
    return len(ids)


@shared_task(name="scoring.tasks.rescore_open_leads", acks_late=True, ignore_result=True)
def rescore_open_leads() -> int:
    """After a promotion: leads not decided yet are scored again by the new model."""
    from sales.models import Lead

    ids = list(Lead.objects.filter(status__in=["new", "contacted", "qualified"]).values_list("id", flat=True))
    for start in range(0, len(ids), SWEEP_BATCH):
        score_leads.delay(ids[start : start + SWEEP_BATCH])
    return len(ids)


@shared_task(name="scoring.tasks.retrain", acks_late=True, ignore_result=True)
def retrain() -> str:
    """Scheduled retrain: a new model is registered, and promoted only if it beats the current one."""
    from .registry import PromotionRefused, promote
    from .training import NotEnoughData, train

    try:
        entry = train()
    except NotEnoughData as exc:
        log.info("lead model retrain skipped: %s", exc)
        return f"skipped: {exc}"
    try:
        note = promote(entry)
    except PromotionRefused as exc:
        log.info("lead model %s registered, not promoted: %s", entry.pk, exc)
        return f"model {entry.pk} not promoted: {exc}"
    rescore_open_leads.delay()
    return f"model {entry.pk} {note}"


@shared_task(name="scoring.tasks.drift_report", acks_late=True, ignore_result=True)
def drift_report() -> dict:
    from .reports import drift_report as report

    result = report()
    return {"alert": result.alert, "drifted": result.drifted} if result else {"skipped": "no current model"}
