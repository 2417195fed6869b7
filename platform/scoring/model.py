"""The lead model itself: the scikit-learn pipeline, its artefact, probabilities and per-lead reasons.

HistGradientBoostingClassifier rather than LightGBM: the same histogram gradient boosting, with native
categorical and missing-value handling, in the one library the calibration and metrics already come
from; no second compiled dependency to keep in step. Calibrated with isotonic regression on a later
time slice than it was fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

from .features import CATEGORICAL, LABELS

ALGORITHM = "sklearn.HistGradientBoostingClassifier+isotonic"


def matrix(rows: list[dict], names: list[str]) -> np.ndarray:
    """Feature rows as an object array in `names` order (None becomes NaN for numbers)."""
    out = np.empty((len(rows), len(names)), dtype=object)
    for j, name in enumerate(names):
        categorical = name in CATEGORICAL
        for i, row in enumerate(rows):
            value = row.get(name)
            out[i, j] = (
                (value if value is not None else "(missing)")
                if categorical
                else (np.nan if value is None else float(value))
            )
    return out


def _to_float(x):
    return np.asarray(x, dtype=float)


def build_pipeline(names: list[str], *, seed: int = 0) -> Pipeline:
    categorical = [j for j, name in enumerate(names) if name in CATEGORICAL]
    numeric = [j for j, name in enumerate(names) if name not in CATEGORICAL]
    encode = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                    max_categories=200,
                ),
                categorical,
            ),
            ("numbers", FunctionTransformer(_to_float), numeric),
        ]
    )
    booster = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=400,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features=list(range(len(categorical))),
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=30,
        random_state=seed,
    )
    return Pipeline([("encode", encode), ("boost", booster)])


@dataclass
class LeadModel:
    """What the artefact file holds: the fitted and calibrated models, and the reference lead for reasons."""

    names: list[str]
    fitted: Pipeline
    calibrated: CalibratedClassifierCV
    # Per feature, a typical training value (median, or most frequent category): the "nothing special" lead.
    baseline: list

    def probability(self, x: np.ndarray) -> np.ndarray:
        return self.calibrated.predict_proba(x)[:, 1]

    def reasons(self, x: np.ndarray, *, top: int = 3) -> list[list[dict]]:
        """Per-feature contributions for each row of x, by occlusion: how much the (uncalibrated)
        probability moves when one feature is set to its typical value. Largest effect first, in
        points of 0-100. One prediction call for all rows (per-call overhead dominates small calls)."""
        rows, n = x.shape
        probe = np.repeat(x, n + 1, axis=0)
        for j in range(n):
            probe[np.arange(rows) * (n + 1) + j + 1, j] = self.baseline[j]
        p = self.fitted.predict_proba(probe)[:, 1].reshape(rows, n + 1)
        out = []
        for i in range(rows):
            effects = [(self.names[j], round(float(p[i, 0] - p[i, j + 1]) * 100, 1), x[i, j]) for j in range(n)]
            effects.sort(key=lambda item: (-abs(item[1]), item[0]))
            out.append(
                [
                    {"feature": name, "label": LABELS.get(name, name), "value": _json_value(value), "effect": effect}
                    for name, effect, value in effects[:top]
                    if effect != 0
                ]
            )
        return out


def _json_value(value):
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 3)
    return value


def fit(
    x_train: np.ndarray, y_train: np.ndarray, x_cal: np.ndarray, y_cal: np.ndarray, names: list[str], *, seed: int = 0
) -> LeadModel:
    fitted = build_pipeline(names, seed=seed).fit(x_train, y_train)
    calibrated = CalibratedClassifierCV(FrozenEstimator(fitted), method="isotonic").fit(x_cal, y_cal)
    baseline = []
    for j, name in enumerate(names):
        column = x_train[:, j]
        if name in CATEGORICAL:
            values, counts = np.unique(column.astype(str), return_counts=True)
            baseline.append(values[int(np.argmax(counts))])
        else:
            numbers = column.astype(float)
            baseline.append(float(np.nanmedian(numbers)) if np.isfinite(numbers).any() else np.nan)
    return LeadModel(names=names, fitted=fitted, calibrated=calibrated, baseline=baseline)


def save(model: LeadModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)


def load(path: Path) -> LeadModel:
    return joblib.load(path)
