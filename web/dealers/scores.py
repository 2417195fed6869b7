"""Lead scores, when the scoring app is installed; nothing otherwise (the column stays empty)."""

from __future__ import annotations

from django.apps import apps


def lead_scores_installed() -> bool:
    return apps.is_installed("scoring")


def lead_scores(lead_ids: list[int]) -> dict[int, object]:
    if not lead_ids or not lead_scores_installed():
        return {}
    from scoring.selectors import scores_for_leads

    return scores_for_leads(lead_ids)
