"""The market-value model: gradient-boosted trees on log price, with conformal intervals.

`HistGradientBoostingRegressor` (scikit-learn, already the lead model's library) rather than
LightGBM: the same histogram boosting with native categories and missing values, and no second
compiled dependency. Make/model and make/model/trim have too many values for native categories
(hundreds), so they enter target-encoded (mean log price, cross-fitted by scikit-learn's
`TargetEncoder` so a row never sees its own price).

The interval is split-conformal: the residuals (log price - predicted) of a calibration part the
trees never saw give, per segment, the 10th and 90th percentiles; value x exp(q10) .. value x exp(q90)
then holds 80 % of listings of that segment, which the test part checks.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder, TargetEncoder

from .features import CATEGORICAL, ENCODED, FEATURES, NUMERIC

ALGORITHM = "HistGradientBoostingRegressor(log price) + TargetEncoder + split-conformal 80% interval"
LOW_Q, HIGH_Q = 0.10, 0.90
# A make/model seen fewer times than this in training gets no value ("not enough data").
MIN_MODEL_ROWS = 10
# Segments with fewer calibration rows borrow the overall residual quantiles.
MIN_SEGMENT_ROWS = 200
PARAMS = {
    "learning_rate": 0.08,
    "max_iter": 700,
    "max_leaf_nodes": 63,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
}


def _index(names: tuple[str, ...]) -> list[int]:
    return [FEATURES.index(name) for name in names]


def pipeline(params: dict | None = None, seed: int = 7) -> Pipeline:
    columns = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1, dtype=float
                ),
                _index(CATEGORICAL),
            ),
            (
                "encoded",
                TargetEncoder(target_type="continuous", cv=KFold(5, shuffle=True, random_state=seed)),
                _index(ENCODED),
            ),
            ("numbers", "passthrough", _index(NUMERIC)),
        ]
    )
    trees = HistGradientBoostingRegressor(
        categorical_features=list(range(len(CATEGORICAL))), random_state=seed, **(params or PARAMS)
    )
    return Pipeline([("columns", columns), ("trees", trees)])


def _numeric(X: np.ndarray) -> np.ndarray:
    """Missing numbers as NaN (the trees route them); categories stay objects."""
    X = X.copy()
    for i in _index(NUMERIC):
        X[:, i] = np.array([np.nan if v is None else v for v in X[:, i]], dtype=float)
    for i in _index(CATEGORICAL) + _index(ENCODED):
        X[:, i] = np.array(["" if v is None else v for v in X[:, i]], dtype=object)
    return X


@dataclass
class MarketModel:
    pipeline: Pipeline
    # segment -> (q10, q90) of log residuals; "*" for every segment together.
    residual_quantiles: dict[str, tuple[float, float]]
    # make_model key -> training rows
    support: dict[str, int] = field(default_factory=dict)

    def predict_log(self, X: np.ndarray) -> np.ndarray:
        return self.pipeline.predict(_numeric(X))

    def quantiles(self, segment: str) -> tuple[float, float]:
        return self.residual_quantiles.get(segment) or self.residual_quantiles["*"]

    def predict(self, X: np.ndarray, segments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value, low, high) in US dollars; NaN where the make/model has too little data."""
        value = np.exp(self.predict_log(X))
        q = np.array([self.quantiles(s) for s in segments]).reshape(-1, 2)
        low, high = value * np.exp(q[:, 0]), value * np.exp(q[:, 1])
        known = np.array([self.support.get(k, 0) >= MIN_MODEL_ROWS for k in X[:, FEATURES.index("make_model")]])
        nan = np.full(len(value), np.nan)
        return np.where(known, value, nan), np.where(known, low, nan), np.where(known, high, nan)


def fit(X: np.ndarray, price_usd: np.ndarray, *, params: dict | None = None) -> Pipeline:
    model = pipeline(params)
    model.fit(_numeric(X), np.log(price_usd))
    return model


def residual_quantiles(residuals: np.ndarray, segments: np.ndarray) -> dict[str, tuple[float, float]]:
    out = {"*": (float(np.quantile(residuals, LOW_Q)), float(np.quantile(residuals, HIGH_Q)))}
    for segment in sorted(set(segments)):
        mine = residuals[segments == segment]
        if len(mine) >= MIN_SEGMENT_ROWS:
            out[str(segment)] = (float(np.quantile(mine, LOW_Q)), float(np.quantile(mine, HIGH_Q)))
    return out


def support(X: np.ndarray) -> dict[str, int]:
    return dict(Counter(X[:, FEATURES.index("make_model")]))


def save(model: MarketModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)


def load(path: Path) -> MarketModel:
    return joblib.load(path)


def log_ratio(price: float, value: float) -> float:
    return math.log(price / value)
