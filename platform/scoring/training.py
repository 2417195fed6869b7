"""Train a lead model on decided leads, split by time, and measure it against the rules on the same held-out period.

Leads are ordered by creation: the oldest 70 % fit the booster, the next 15 % calibrate it, the
newest 15 % are held out. Only leads created at least SCORING_LOST_AFTER_DAYS before `now` are used,
so every one of them had time to be decided; a window cut short would keep only the fast outcomes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction

from . import drift, metrics
from .features import CATEGORICAL, FEATURES, lead_features
from .model import ALGORITHM, fit, matrix, save
from .models import ScoringModel
from .outcomes import lead_outcomes
from .rules import rule_score

TRAIN_SHARE, CALIBRATION_SHARE = 0.70, 0.15
MIN_LEADS = 500


class NotEnoughData(Exception):
    pass


@dataclass
class Dataset:
    rows: list[dict]
    labels: np.ndarray
    created: list[datetime]

    def hash(self, names: list[str]) -> str:
        digest = hashlib.sha256()
        for row, label in zip(self.rows, self.labels, strict=True):
            digest.update(json.dumps([row.get(n) for n in names] + [int(label)], default=str).encode())
        return digest.hexdigest()


def decided_leads(*, start: datetime, end: datetime, now: datetime) -> Dataset:
    outcomes = [o for o in lead_outcomes(start=start, end=end, now=now) if o.won is not None]
    features = lead_features(o.lead_id for o in outcomes)
    kept = [o for o in outcomes if o.lead_id in features]
    return Dataset(
        rows=[features[o.lead_id] for o in kept],
        labels=np.array([int(o.won) for o in kept], dtype=int),
        created=[o.created_at for o in kept],
    )


def split(n: int) -> tuple[slice, slice, slice]:
    a, b = int(n * TRAIN_SHARE), int(n * (TRAIN_SHARE + CALIBRATION_SHARE))
    return slice(0, a), slice(a, b), slice(b, n)


def train(
    *, now: datetime | None = None, days: int = 540, names: list[str] | None = None, seed: int = 0
) -> ScoringModel:
    """Fit, calibrate, evaluate model and rules on the held-out period, save the artefact, register it."""
    names = list(names or FEATURES)
    now = now or datetime.now(UTC)
    end = now - timedelta(days=settings.SCORING_LOST_AFTER_DAYS)
    data = decided_leads(start=end - timedelta(days=days), end=end, now=now)
    if len(data.rows) < MIN_LEADS or len(set(data.labels.tolist())) < 2:
        raise NotEnoughData(
            f"{len(data.rows)} decided leads between {end - timedelta(days=days):%Y-%m-%d} and {end:%Y-%m-%d}"
        )
    fit_part, cal_part, held = split(len(data.rows))
    x = matrix(data.rows, names)
    model = fit(x[fit_part], data.labels[fit_part], x[cal_part], data.labels[cal_part], names, seed=seed)
    y_held = data.labels[held]
    p_model = model.probability(x[held])
    p_rules = np.array([rule_score(row) / 100 for row in data.rows[held]])
    scores = np.round(model.probability(x[fit_part]) * 100)
    reference = {
        name: drift.reference_of(
            [row.get(name) for row in data.rows[fit_part]], "categorical" if name in CATEGORICAL else "numeric"
        )
        for name in names
    }
    reference["score"] = drift.numeric_reference(scores.tolist())
    with transaction.atomic():
        entry = ScoringModel.objects.create(
            algorithm=ALGORITHM,
            features=names,
            train_start=data.created[0],
            holdout_start=data.created[held.start],
            holdout_end=data.created[-1],
            data_hash=data.hash(names),
            artefact_path="pending",
            metrics={"model": metrics.evaluate(y_held, p_model), "rules": metrics.evaluate(y_held, p_rules)},
            reference=reference,
            rows={"train": fit_part.stop, "calibration": cal_part.stop - cal_part.start, "holdout": len(y_held)},
        )
        relative = f"lead-model-{entry.pk:05d}-{entry.data_hash[:12]}.joblib"
        save(model, settings.SCORING_MODEL_DIR / relative)
        entry.artefact_path = relative
        entry.save(update_fields=["artefact_path"])
    return entry
