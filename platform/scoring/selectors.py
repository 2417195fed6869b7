"""Read side of lead scores, for the API and the dealers' leads page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import LeadScore


@dataclass(frozen=True)
class LeadScoreView:
    lead_id: int
    score: int  # 0-100
    arm: str  # "rules" or "model"
    reasons: list[dict]  # [{"feature", "label", "value", "effect"}], largest effect first
    model_id: int | None
    computed_at: datetime


def scores_for_leads(lead_ids: Iterable[int]) -> dict[int, LeadScoreView]:
    """The shown score of each lead that has one (leads not scored yet are absent)."""
    return {
        s.lead_id: LeadScoreView(
            lead_id=s.lead_id,
            score=s.score,
            arm=s.arm,
            reasons=s.reasons,
            model_id=s.model_id,
            computed_at=s.computed_at,
        )
        for s in LeadScore.objects.filter(lead_id__in=list(lead_ids))
    }
