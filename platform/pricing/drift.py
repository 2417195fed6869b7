"""Drift of the listed cars against the serving model's training data: PSI per numeric feature and of
the value, over the deciles recorded with the model (MarketValueModel.reference)."""

from __future__ import annotations

import math

import numpy as np
from django.db import connection

from .features import NUMERIC, features
from .serving import ROWS_SQL, car_from_row, price_year, serving_model

ALERT_PSI = 0.2
SAMPLE = 20000


def psi(reference_edges: list[float], values: np.ndarray) -> float | None:
    """Population stability index of `values` over the 10 bins the training deciles define."""
    values = values[~np.isnan(values)]
    if not reference_edges or not len(values):
        return None
    counts = np.bincount(np.searchsorted(reference_edges, values, side="right"), minlength=10)[:10]
    actual = np.maximum(counts / counts.sum(), 1e-4)
    return round(float(sum((a - 0.1) * math.log(a / 0.1) for a in actual)), 4)


def drift() -> dict[str, float | None]:
    entry, _model = serving_model()
    if entry is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL + " WHERE v.status = 'available' ORDER BY random() LIMIT %s", [SAMPLE])
        names = [col.name for col in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT market_value_usd FROM catalog_vehicle WHERE market_value_usd IS NOT NULL "
            "ORDER BY random() LIMIT %s",
            [SAMPLE],
        )
        listed_values = np.array([float(v) for (v,) in cursor.fetchall()])
    feats = [features(car_from_row(row), as_of=price_year(row)) for row in rows]
    report = {}
    for name in NUMERIC:
        column = np.array([np.nan if f[name] is None else f[name] for f in feats], dtype=float)
        report[name] = psi(entry.reference.get(name, []), column)
    report["value_usd"] = psi(entry.reference.get("value_usd", []), listed_values)
    return report
