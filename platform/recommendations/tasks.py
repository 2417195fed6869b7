"""Celery task of the recommendation log (queue "low"): store a batch of impressions and clicks."""

from __future__ import annotations

import uuid
from datetime import datetime

from celery import shared_task

from .models import RecommendationClick, RecommendationImpression


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def record_recommendation_events(entries: list[dict]) -> int:
    """Insert one batch. Idempotent: a redelivered batch adds nothing (unique list+position, click ids)."""
    impressions = [
        RecommendationImpression(
            list_id=uuid.UUID(e["list_id"]),
            source_vehicle_id=e["source_vehicle_id"],
            vehicle_id=e["vehicle_id"],
            position=e["position"],
            arm=e["arm"],
            shown_at=datetime.fromisoformat(e["at"]),
            user_id=e.get("user_id"),
            session_key=e.get("session_key") or "",
        )
        for e in entries
        if e["kind"] == "impression"
    ]
    clicks = [
        RecommendationClick(
            id=uuid.UUID(e["id"]),
            list_id=uuid.UUID(e["list_id"]),
            vehicle_id=e["vehicle_id"],
            position=e.get("position"),
            clicked_at=datetime.fromisoformat(e["at"]),
        )
        for e in entries
        if e["kind"] == "click"
    ]
    RecommendationImpression.objects.bulk_create(impressions, ignore_conflicts=True)
    RecommendationClick.objects.bulk_create(clicks, ignore_conflicts=True)
    return len(impressions) + len(clicks)
