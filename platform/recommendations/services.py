"""Logging what similar-vehicle lists showed and what was opened from them (never waits on Postgres)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.utils import timezone

from .buffer import recommendation_log_buffer


def log_impressions(
    *, source_vehicle_id: int, vehicle_ids: Sequence[int], arm: str, user_id: int | None, session_key: str
) -> str:
    """Buffer one list's impressions; returns the list id the client sends back with a click."""
    list_id = str(uuid.uuid4())
    shown_at = timezone.now().isoformat()
    for position, vehicle_id in enumerate(vehicle_ids, start=1):
        recommendation_log_buffer.add(
            {
                "kind": "impression",
                "list_id": list_id,
                "source_vehicle_id": source_vehicle_id,
                "vehicle_id": vehicle_id,
                "position": position,
                "arm": arm,
                "at": shown_at,
                "user_id": user_id,
                "session_key": session_key[:64],
            }
        )
    return list_id


def log_click(*, list_id: str, vehicle_id: int, position: int | None) -> str:
    click_id = str(uuid.uuid4())
    recommendation_log_buffer.add(
        {
            "kind": "click",
            "id": click_id,
            "list_id": list_id,
            "vehicle_id": vehicle_id,
            "position": position,
            "at": timezone.now().isoformat(),
        }
    )
    return click_id
