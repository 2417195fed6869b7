"""The registry's metrics as text: the model-vs-rules table the commands print."""

from __future__ import annotations

from .models import ScoringModel

ROWS = [
    ("ROC AUC", "roc_auc"),
    ("PR AUC", "pr_auc"),
    ("Brier", "brier"),
    ("Precision, top 10%", "top10_precision"),
    ("Recall, top 10%", "top10_recall"),
    ("Lift, top 10%", "top10_lift"),
]


def metrics_table(entry: ScoringModel, *, tables: bool = False) -> str:
    model, rules = entry.metrics["model"], entry.metrics["rules"]
    lines = [
        f"held-out leads created {entry.holdout_start:%Y-%m-%d} .. {entry.holdout_end:%Y-%m-%d}: "
        f"{model['leads']} leads, conversion {model['conversion']:.3f}",
        f"{'metric':22} {'model':>8} {'rules':>8}",
    ]
    for label, key in ROWS:
        lines.append(f"{label:22} {_fmt(model[key]):>8} {_fmt(rules[key]):>8}")
    if tables:
        for name, part in (("model", model), ("rules", rules)):
            lines.append(f"\ncalibration ({name}): bin, leads, predicted, observed")
            lines += [
                f"  {r['bin']}  {r['leads']:6}  {r['predicted']:.3f}  {r['observed']:.3f}" for r in part["calibration"]
            ]
            lines.append(f"lift chart ({name}): decile, conversion, lift")
            lines += [f"  {r['decile']:2}  {r['conversion']:.3f}  {r['lift']:.2f}" for r in part["lift_chart"]]
    return "\n".join(lines)


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.4f}"
