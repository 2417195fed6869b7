"""Train the market-value model on the published listings, evaluate it and both baselines on the same
held-out listings, save the artefact and register it (not promoted: see registry.promote)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from django.conf import settings

from . import evaluation
from .dataset import Dataset, read_listings
from .features import FEATURES, NUMERIC
from .model import ALGORITHM, MarketModel, _numeric, fit, residual_quantiles, save, support
from .models import MarketValueModel

log = logging.getLogger(__name__)


def evaluate(model: MarketModel, data: Dataset, part: str = "test") -> dict[str, dict]:
    """A model's metrics on one part of a data set (a registered model on another's test part)."""
    mine = data.where(part)
    X, price, segments = data.X[mine], data.price_usd[mine], data.segment[mine]
    return evaluation.by_segment(price, *model.predict(X, segments), segments)


def train_and_evaluate(data: Dataset, *, params: dict | None = None) -> tuple[MarketModel, dict]:
    """Fit on the training part, calibrate the interval on the calibration part, score on the test part."""
    train, cal, test = data.where("train"), data.where("calibration"), data.where("test")
    started = time.monotonic()
    pipeline = fit(data.X[train], data.price_usd[train], params=params)
    fit_seconds = time.monotonic() - started
    residuals = np.log(data.price_usd[cal]) - pipeline.predict(_numeric(data.X[cal]))
    model = MarketModel(pipeline, residual_quantiles(residuals, data.segment[cal]), support(data.X[train]))

    median = evaluation.MedianBaseline().fit(data.X[train], data.price_usd[train])
    linear = evaluation.LinearBaseline().fit(data.X[train], data.price_usd[train])
    linear.calibrate(data.X[cal], data.price_usd[cal], data.segment[cal])
    X, price, segments = data.X[test], data.price_usd[test], data.segment[test]
    value, low, high = model.predict(X, segments)
    # All three on the same listings: those the model values (the others get "not enough data").
    rated = ~np.isnan(value)
    X, price, segments = X[rated], price[rated], segments[rated]
    metrics = {
        "model": evaluation.by_segment(price, value[rated], low[rated], high[rated], segments),
        "median make/model/year": evaluation.by_segment(price, *median.predict(X), segments),
        "linear on log price": evaluation.by_segment(price, *linear.predict(X, segments), segments),
        "not_enough_data": int((~rated).sum()),
        "fit_seconds": round(fit_seconds, 1),
    }
    return model, metrics


def reference(model: MarketModel, data: Dataset) -> dict:
    """Deciles of each numeric feature and of the value on the training part: the drift report's reference."""
    train = data.X[data.where("train")]
    out = {}
    for name in NUMERIC:
        column = np.array([np.nan if v is None else v for v in train[:, FEATURES.index(name)]], dtype=float)
        column = column[~np.isnan(column)]
        out[name] = np.quantile(column, np.linspace(0.1, 0.9, 9)).round(3).tolist() if len(column) else []
    values = np.exp(model.predict_log(train[:5000]))
    out["value_usd"] = np.quantile(values, np.linspace(0.1, 0.9, 9)).round(0).tolist()
    return out


def train(data_dir: Path, *, sample: float = 1.0, params: dict | None = None) -> MarketValueModel:
    data = read_listings(data_dir, sample=sample)
    model, metrics = train_and_evaluate(data, params=params)
    entry = MarketValueModel.objects.create(
        algorithm=ALGORITHM,
        features=list(FEATURES),
        data_source=str(data_dir) + (f" (sample {sample})" if sample < 1 else ""),
        data_hash=data.digest(),
        rows={**data.report, **{part: int(data.where(part).sum()) for part in ("train", "calibration", "test")}},
        artefact_path="pending",
        metrics=metrics,
        reference=reference(model, data),
    )
    entry.artefact_path = f"market-value-{entry.pk}.joblib"
    save(model, settings.MARKET_VALUE_MODEL_DIR / entry.artefact_path)
    entry.save(update_fields=["artefact_path"])
    return entry
