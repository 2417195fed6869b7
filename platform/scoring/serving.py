"""Score leads off the request path: features as of creation, the rules, the current model, the A/B arm."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .arms import arm_for
from .features import features_hash, lead_features
from .model import matrix
from .models import LeadScore
from .registry import artefact, current_model
from .rules import rule_reasons, rule_score


def score_leads(lead_ids: Iterable[int]) -> int:
    """Compute and store the score of each lead; returns how many rows were written.

    Idempotent: a lead whose features and serving model are unchanged is left as it is. A lead keeps
    the arm it was first given, so the A/B report compares stable groups.
    """
    features = lead_features(lead_ids)
    if not features:
        return 0
    entry = current_model()
    model = artefact(entry) if entry else None
    existing = {s.lead_id: s for s in LeadScore.objects.filter(lead_id__in=features)}
    now = timezone.now()
    written = 0
    for lead_id, row in features.items():
        digest = features_hash(row)
        old = existing.get(lead_id)
        if old and old.features_hash == digest and old.model_id == (entry.pk if entry else None):
            continue
        rules = rule_score(row)
        model_score, model_reasons = None, []
        if model is not None:
            x = matrix([row], model.names)
            model_score = int(round(float(model.probability(x)[0]) * 100))
            model_reasons = model.reasons(x[0])
        if old:
            arm = old.arm
        elif model is not None:
            arm = arm_for(lead_id, salt=settings.SCORING_AB_SALT, model_share=settings.SCORING_AB_MODEL_SHARE)
        else:
            arm = LeadScore.Arm.RULES
        shown_by_model = arm == LeadScore.Arm.MODEL and model_score is not None
        values = {
            "arm": arm,
            "score": model_score if shown_by_model else rules,
            "rules_score": rules,
            "model_score": model_score,
            "model": entry,
            "reasons": model_reasons if shown_by_model else rule_reasons(row),
            "features_hash": digest,
            "computed_at": now,
        }
        with transaction.atomic():
            LeadScore.objects.update_or_create(lead_id=lead_id, defaults=values)
        written += 1
    return written
