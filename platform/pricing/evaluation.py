"""Metrics of a valuation and the two honest baselines it must beat. Pure (numpy, scikit-learn).

Metrics are on the price in US dollars, per segment and overall: median absolute percentage error
(MdAPE), mean absolute error (MAE), R² and the share of listings inside the 80 % interval.
Baselines: the median price of the same make/model/year in training (falling back to make/model,
make, then everything, with the 10th-90th percentiles of that group as its interval), and a ridge
regression on log price (one-hot categories, age, age², log mileage) with split-conformal intervals.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from .features import CATEGORICAL, FEATURES
from .model import HIGH_Q, LOW_Q, _numeric, residual_quantiles

METRICS = ("n", "mdape", "mae", "r2", "coverage")


def scores(price: np.ndarray, value: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict:
    ok = ~np.isnan(value)
    price, value, low, high = price[ok], value[ok], low[ok], high[ok]
    if not len(price):
        return {"n": 0}
    return {
        "n": int(len(price)),
        "mdape": round(float(np.median(np.abs(value - price) / price)) * 100, 2),
        "mae": round(float(np.mean(np.abs(value - price))), 0),
        "r2": round(float(r2_score(price, value)), 4) if len(price) > 1 else None,
        "coverage": round(float(np.mean((low <= price) & (price <= high))) * 100, 1),
    }


def by_segment(price, value, low, high, segments) -> dict[str, dict]:
    out = {"overall": scores(price, value, low, high)}
    for segment in sorted(set(segments)):
        mine = segments == segment
        out[segment] = scores(price[mine], value[mine], low[mine], high[mine])
    return out


class MedianBaseline:
    """Median price of the same make/model/year (else make/model, make, all) seen in training."""

    LEVELS = (("make_model", "age"), ("make_model",), ("make",), ())

    def fit(self, X: np.ndarray, price: np.ndarray) -> MedianBaseline:
        self.tables = []
        for level in self.LEVELS:
            groups = defaultdict(list)
            cols = [FEATURES.index(name) for name in level]
            for row, p in zip(X, price):
                groups[tuple(row[c] for c in cols)].append(p)
            self.tables.append(
                (cols, {k: np.quantile(v, (0.5, LOW_Q, HIGH_Q)) for k, v in groups.items() if len(v) >= 3 or not cols})
            )
        return self

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        out = np.empty((len(X), 3))
        for i, row in enumerate(X):
            for cols, table in self.tables:
                found = table.get(tuple(row[c] for c in cols))
                if found is not None:
                    out[i] = found
                    break
        return out[:, 0], out[:, 1], out[:, 2]


def _log1p(x):
    return np.log1p(np.asarray(x, dtype=float))


class LinearBaseline:
    """Ridge regression on log price; intervals from calibration residuals like the model's."""

    def fit(self, X: np.ndarray, price: np.ndarray) -> LinearBaseline:
        cats = [FEATURES.index(n) for n in (*CATEGORICAL, "make_model")]
        age, km = FEATURES.index("age"), FEATURES.index("mileage_km")
        self.pipeline = Pipeline(
            [
                (
                    "columns",
                    ColumnTransformer(
                        [
                            ("cats", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5), cats),
                            (
                                "age",
                                make_pipeline(
                                    SimpleImputer(),
                                    FunctionTransformer(lambda a: np.hstack([a, a**2])),
                                    StandardScaler(),
                                ),
                                [age],
                            ),
                            (
                                "km",
                                make_pipeline(
                                    SimpleImputer(add_indicator=True), FunctionTransformer(_log1p), StandardScaler()
                                ),
                                [km],
                            ),
                        ]
                    ),
                ),
                ("ridge", Ridge(alpha=1.0)),
            ]
        )
        self.pipeline.fit(_numeric(X), np.log(price))
        return self

    def calibrate(self, X: np.ndarray, price: np.ndarray, segments: np.ndarray) -> LinearBaseline:
        self.quantiles = residual_quantiles(np.log(price) - self.pipeline.predict(_numeric(X)), segments)
        return self

    def predict(self, X: np.ndarray, segments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        value = np.exp(self.pipeline.predict(_numeric(X)))
        q = np.array([self.quantiles.get(s) or self.quantiles["*"] for s in segments])
        return value, value * np.exp(q[:, 0]), value * np.exp(q[:, 1])


def table(metrics: dict[str, dict[str, dict]]) -> str:
    """A Markdown table: one row per segment and method."""
    lines = [
        "| segment | method | listings | MdAPE % | MAE (USD) | R² | 80 % interval coverage % |",
        "|---|---|---|---|---|---|---|",
    ]
    metrics = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    segments = list(next(iter(metrics.values())))
    for segment in segments:
        for method, per_segment in metrics.items():
            m = per_segment.get(segment, {})
            lines.append(
                f"| {segment} | {method} | {m.get('n', 0):,} | {m.get('mdape', '')} | {m.get('mae', 0):,.0f} | "
                f"{m.get('r2', '')} | {m.get('coverage', '')} |"
            )
    return "\n".join(lines)
