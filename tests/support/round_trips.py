"""The search round trips this process has counted (search.sharing.ROUND_TRIPS), read as /metrics does."""

from __future__ import annotations

from prometheus_client import REGISTRY

OUTCOMES = ("miss", "hit", "shared", "renewed")


def round_trips() -> dict[str, float]:
    return {
        outcome: REGISTRY.get_sample_value("nzila_search_round_trips_total", {"outcome": outcome}) or 0.0
        for outcome in OUTCOMES
    }


def since(before: dict[str, float]) -> dict[str, float]:
    """The round trips counted since `before` (a `round_trips()` reading), by outcome."""
    now = round_trips()
    return {outcome: now[outcome] - before[outcome] for outcome in OUTCOMES}
