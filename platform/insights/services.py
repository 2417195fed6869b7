"""Recording that a buyer opened a vehicle: the view history (co-views) and, from a search, the click."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from buyers.models import VehicleView

from .buffer import normalize_query
from .models import BlockedQuery, SearchClick


@transaction.atomic
def record_vehicle_view(
    *,
    vehicle_id: int,
    user_id: int | None,
    session_key: str,
    dwell_seconds: int | None = None,
    search_id: uuid.UUID | None = None,
    position: int | None = None,
) -> VehicleView:
    view = VehicleView.objects.create(
        vehicle_id=vehicle_id, user_id=user_id, session_key=session_key, dwell_seconds=dwell_seconds
    )
    if search_id is not None:
        SearchClick.objects.create(
            search_id=search_id, vehicle_id=vehicle_id, position=position, clicked_at=view.viewed_at or timezone.now()
        )
    return view


def block_queries(phrases: list[str], *, by_id: int | None, reason: str = "") -> list[str]:
    """Add phrases to the suggestions block list (normalised; empty ones skipped, known ones kept).
    Returns the normalised phrases now blocked. The popularity rule reads the list at once; the live
    suggestions index is purged by the caller after commit (insights.admin)."""
    blocked = []
    for phrase in dict.fromkeys(normalize_query(p) for p in phrases):
        if phrase:
            BlockedQuery.objects.get_or_create(phrase=phrase, defaults={"reason": reason[:200], "blocked_by_id": by_id})
            blocked.append(phrase)
    return blocked
