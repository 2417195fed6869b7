"""Read side of lead scores, for the API and the dealers' leads page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from .features import LABELS
from .models import LeadScore
from .rules import RULE_LABELS


@dataclass(frozen=True)
class LeadScoreView:
    lead_id: int
    score: int  # 0-100
    arm: str  # "rules" or "model"
    reasons: list[dict]  # [{"feature", "label", "value", "effect"}], largest effect first; label in the active language
    model_id: int | None
    computed_at: datetime


def shown_label(reason: dict) -> str:
    """A reason's label in the active language: scores store the English one (a model's or a rule's)."""
    english = LABELS.get(reason["feature"]) or RULE_LABELS.get(reason["feature"]) or reason["label"]
    return gettext(english)


def scores_for_leads(lead_ids: Iterable[int]) -> dict[int, LeadScoreView]:
    """The shown score of each lead that has one (leads not scored yet are absent)."""
    return {
        s.lead_id: LeadScoreView(
            lead_id=s.lead_id,
            score=s.score,
            arm=s.arm,
            reasons=[{**reason, "label": shown_label(reason)} for reason in s.reasons],
            model_id=s.model_id,
            computed_at=s.computed_at,
        )
        for s in LeadScore.objects.filter(lead_id__in=list(lead_ids))
    }
