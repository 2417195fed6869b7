"""Celery tasks of market value: value changed listings, retrain (promote only a better model), drift."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(
    name="pricing.tasks.value_changed_vehicles", acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90
)
def value_changed_vehicles() -> int:
    """Listings written since their last valuation, by any write path (their updated_at moved)."""
    from .serving import value_changed

    return value_changed()


@shared_task(name="pricing.tasks.retrain", acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1900)
def retrain() -> str:
    """Train on the published listings; promote and re-stamp every listing only if the new model is better."""
    from django.conf import settings

    from .registry import PromotionRefused, promote
    from .serving import restamp_all
    from .training import train

    if not settings.MARKET_VALUE_DATA_DIR.is_dir():
        # An installation without the published listings keeps serving what it has (or nothing).
        log.warning("no published listings at %s: market-value model not retrained", settings.MARKET_VALUE_DATA_DIR)
        return f"no published listings at {settings.MARKET_VALUE_DATA_DIR}: kept the current model"
    entry = train(settings.MARKET_VALUE_DATA_DIR)
    try:
        note = promote(entry)
    except PromotionRefused as refused:
        log.info("market-value model %s not promoted: %s", entry.pk, refused)
        return f"kept the current model: {refused}"
    restamped = restamp_all()
    return f"model {entry.pk} promoted ({note}); {restamped} listings re-stamped"


@shared_task(name="pricing.tasks.drift_report", acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def drift_report() -> dict:
    from .drift import ALERT_PSI, drift

    report = drift()
    for name, psi in report.items():
        if psi is not None and psi > ALERT_PSI:
            log.error("market-value drift: %s PSI %.3f above %.2f", name, psi, ALERT_PSI)
    return report
