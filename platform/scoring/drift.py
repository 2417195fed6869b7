"""Population stability: how far recent leads' features and scores moved from the training data. Pure.

PSI = sum over bins of (recent - reference) * ln(recent / reference); by custom, under 0.1 is stable,
0.1-0.2 is a shift worth a look, over 0.2 (SCORING_DRIFT_PSI_ALERT) a drift that raises an alert.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

EPSILON = 1e-4
MISSING = "(missing)"
OTHER = "(other)"


def numeric_reference(values: Sequence[float | None], *, bins: int = 10) -> dict:
    """Decile edges of the training values, and the share of values (and of missing ones) in each bin."""
    present = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    edges = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])).tolist() if len(present) else []
    return {"kind": "numeric", "edges": edges, "shares": numeric_shares(values, edges)}


def numeric_shares(values: Sequence[float | None], edges: list[float]) -> list[float]:
    counts = [0] * (len(edges) + 2)  # the bins, then missing
    for v in values:
        if v is None or math.isnan(v):
            counts[-1] += 1
        else:
            counts[int(np.searchsorted(edges, v, side="right"))] += 1
    total = max(1, sum(counts))
    return [c / total for c in counts]


def categorical_reference(values: Sequence[str | None], *, top: int = 20) -> dict:
    counts = Counter(MISSING if v is None else v for v in values)
    kept = [name for name, _ in counts.most_common(top)]
    return {"kind": "categorical", "categories": kept, "shares": categorical_shares(values, kept)}


def categorical_shares(values: Sequence[str | None], categories: list[str]) -> list[float]:
    index = {name: i for i, name in enumerate(categories)}
    counts = [0] * (len(categories) + 1)  # the kept categories, then the rest
    for v in values:
        counts[index.get(MISSING if v is None else v, len(categories))] += 1
    total = max(1, sum(counts))
    return [c / total for c in counts]


def psi(reference: Sequence[float], recent: Sequence[float]) -> float:
    total = 0.0
    for e, a in zip(reference, recent, strict=True):
        e, a = max(e, EPSILON), max(a, EPSILON)
        total += (a - e) * math.log(a / e)
    return round(total, 4)


def reference_of(values: Sequence, kind: str) -> dict:
    return categorical_reference(values) if kind == "categorical" else numeric_reference(values)


def psi_against(reference: dict, values: Sequence) -> float:
    if reference["kind"] == "categorical":
        return psi(reference["shares"], categorical_shares(values, reference["categories"]))
    return psi(reference["shares"], numeric_shares(values, reference["edges"]))
