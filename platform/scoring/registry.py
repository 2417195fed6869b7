"""The model registry's operations: which model serves, and promoting a better one.

It sits above training (it evaluates registered models on training's decided leads); training saves a
new entry and never imports the registry."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import metrics
from .model import LeadModel, load, matrix
from .models import ScoringModel
from .training import NotEnoughData, decided_leads

log = logging.getLogger(__name__)


class PromotionRefused(Exception):
    pass


@functools.lru_cache(maxsize=4)
def _load(path: str) -> LeadModel:
    return load(settings.SCORING_MODEL_DIR / path)


def artefact(entry: ScoringModel) -> LeadModel:
    return _load(entry.artefact_path)


def evaluate_on(entry: ScoringModel, *, start: datetime, end: datetime, now: datetime | None = None) -> dict:
    """A registered model's metrics on the leads created in [start, end] (e.g. another model's hold-out)."""
    now = now or datetime.now(UTC)
    data = decided_leads(start=start, end=end + timedelta(microseconds=1), now=now)
    if not data.rows:
        raise NotEnoughData("no decided leads in that period")
    return metrics.evaluate(data.labels, artefact(entry).probability(matrix(data.rows, entry.features)))


def current_model() -> ScoringModel | None:
    return ScoringModel.objects.filter(is_current=True).first()


def promote(entry: ScoringModel, *, now: datetime | None = None) -> str:
    """Make `entry` the serving model if it beats, on its own held-out period, both the rules and the
    current model. Raises PromotionRefused otherwise.

    Against the current model both are evaluated afresh on that period with outcomes as of one moment
    (`now`), so a lead decided since `entry` was trained counts the same for both.
    """
    held = entry.metrics["model"]
    ok, why = metrics.beats(held, entry.metrics["rules"])
    if not ok:
        raise PromotionRefused(f"model {entry.pk} does not beat the rules: {why}")
    with transaction.atomic():
        incumbent = ScoringModel.objects.select_for_update().filter(is_current=True).first()
        if incumbent is not None and incumbent.pk != entry.pk:
            period = {"start": entry.holdout_start, "end": entry.holdout_end, "now": now}
            ok, why = metrics.beats(evaluate_on(entry, **period), evaluate_on(incumbent, **period))
            if not ok:
                raise PromotionRefused(f"model {entry.pk} does not beat the current model {incumbent.pk}: {why}")
            ScoringModel.objects.filter(pk=incumbent.pk).update(is_current=False)
        note = f"promoted over {'model ' + str(incumbent.pk) if incumbent else 'the rules'}: {why}"
        ScoringModel.objects.filter(pk=entry.pk).update(
            is_current=True, promoted_at=timezone.now(), promotion_note=note
        )
    log.info("lead model %s %s", entry.pk, note)
    return note
