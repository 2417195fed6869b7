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
    digests = {lead_id: features_hash(row) for lead_id, row in features.items()}
    todo = [
        lead_id
        for lead_id in features
        if not (
            (old := existing.get(lead_id))
            and old.features_hash == digests[lead_id]
            and old.model_id == (entry.pk if entry else None)
        )
    ]
    model_scores: dict[int, int] = {}
    model_reasons: dict[int, list[dict]] = {}
    if model is not None and todo:
        # The whole batch in two prediction calls: per-call overhead dwarfs the per-row cost.
        x = matrix([features[lead_id] for lead_id in todo], model.names)
        probabilities = model.probability(x)
        for lead_id, p, why in zip(todo, probabilities, model.reasons(x), strict=True):
            model_scores[lead_id], model_reasons[lead_id] = int(round(float(p) * 100)), why
    now = timezone.now()
    written = 0
    for lead_id in todo:
        row, digest, old = features[lead_id], digests[lead_id], existing.get(lead_id)
        rules = rule_score(row)
        model_score = model_scores.get(lead_id)
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
            "reasons": model_reasons[lead_id] if shown_by_model else rule_reasons(row),
            "features_hash": digest,
            "computed_at": now,
        }
        with transaction.atomic():
            LeadScore.objects.update_or_create(lead_id=lead_id, defaults=values)
        written += 1
    return written
