"""Held-out metrics of a score: ranking, calibration, and what the top 10 % of leads catch. Pure."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score


def calibration_table(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> list[dict]:
    """Leads grouped by predicted probability (equal-width bins): how many, predicted vs observed rate."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table = []
    for i in range(bins):
        mask = which == i
        if mask.any():
            table.append(
                {
                    "bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}",
                    "leads": int(mask.sum()),
                    "predicted": round(float(p[mask].mean()), 4),
                    "observed": round(float(y[mask].mean()), 4),
                }
            )
    return table


def _ranked(p: np.ndarray) -> np.ndarray:
    # Highest first; ties (the rules give many) keep the leads' time order, so no score gains from luck.
    return np.lexsort((np.arange(len(p)), -p))


def top_share(y: np.ndarray, p: np.ndarray, *, share: float = 0.10) -> dict:
    k = max(1, math.ceil(len(p) * share))
    top = y[_ranked(p)[:k]]
    positives = max(1, int(y.sum()))
    precision = float(top.mean())
    base = float(y.mean()) or 1.0
    return {
        "precision": round(precision, 4),
        "recall": round(float(top.sum()) / positives, 4),
        "lift": round(precision / base, 3),
    }


def lift_chart(y: np.ndarray, p: np.ndarray, *, groups: int = 10) -> list[dict]:
    """Deciles by score, best first: conversion in each and its lift over the average."""
    order = _ranked(p)
    base = float(y.mean()) or 1.0
    chart = []
    for i, part in enumerate(np.array_split(order, groups)):
        if len(part):
            rate = float(y[part].mean())
            chart.append(
                {"decile": i + 1, "leads": len(part), "conversion": round(rate, 4), "lift": round(rate / base, 3)}
            )
    return chart


def evaluate(y: np.ndarray, p: np.ndarray) -> dict:
    """Every held-out metric of probabilities p for labels y (1 = won)."""
    y = np.asarray(y, dtype=int)
    p = np.clip(np.asarray(p, dtype=float), 0, 1)
    both = len(set(y.tolist())) == 2
    top = top_share(y, p)
    return {
        "leads": len(y),
        "conversion": round(float(y.mean()), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, p)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p)), 4),
        "top10_precision": top["precision"],
        "top10_recall": top["recall"],
        "top10_lift": top["lift"],
        "calibration": calibration_table(y, p),
        "lift_chart": lift_chart(y, p),
    }


# What "better" means on the held-out period: ranking first, and no worse calibration.
BRIER_TOLERANCE = 0.002


def beats(candidate: dict, incumbent: dict) -> tuple[bool, str]:
    """Whether held-out metrics `candidate` beat `incumbent`: higher ROC AUC and PR AUC, Brier no worse."""
    for name in ("roc_auc", "pr_auc"):
        if candidate.get(name) is None or incumbent.get(name) is None:
            return False, f"{name} is undefined on the held-out period"
        if candidate[name] <= incumbent[name]:
            return False, f"{name} {candidate[name]} is not above {incumbent[name]}"
    if candidate["brier"] > incumbent["brier"] + BRIER_TOLERANCE:
        return False, f"brier {candidate['brier']} is worse than {incumbent['brier']}"
    roc, pr = f"{incumbent['roc_auc']} -> {candidate['roc_auc']}", f"{incumbent['pr_auc']} -> {candidate['pr_auc']}"
    return True, f"roc_auc {roc}, pr_auc {pr}"
