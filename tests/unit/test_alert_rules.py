"""ops/alerts.yml: valid rules, and every metric they use is one /metrics exports."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXPORTERS = (ROOT / "api" / "metrics.py", ROOT / "api" / "request_metrics.py")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")


def test_every_rule_uses_exported_metrics():
    exported = set()
    for path in EXPORTERS:
        exported |= set(re.findall(r'"(nzila_[a-z0-9_]+)"', path.read_text()))
    exported |= {f"nzila_sync_{key}" for key in ("lag_seconds", "backlog", "dead_letters", "retrying", "listable_rows")}
    groups = yaml.safe_load((ROOT / "ops" / "alerts.yml").read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 10
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        assert rule["labels"]["severity"] in {"page", "warn"}
        for name in re.findall(r"nzila_[a-z0-9_]+", rule["expr"]):
            base = next((name[: -len(s)] for s in HISTOGRAM_SUFFIXES if name.endswith(s)), name)
            assert name in exported or base in exported, f"{rule['alert']}: {name} is not exported"
