"""/metrics read back: Prometheus' text format parsed by prometheus-client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """(metric name, sorted label pairs) -> value, for every sample of the text."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def named(found: dict, name: str) -> dict[tuple, float]:
    return {labels: value for (metric, labels), value in found.items() if metric == name}
