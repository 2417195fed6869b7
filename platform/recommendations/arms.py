"""Which similar-vehicle blend a viewer sees: the current weights, the tuned ones, or an A/B split of the two.

RECOMMENDATIONS_BLEND_ARM switches it. In "ab", a stable hash of the viewer (user id, else session)
picks the arm, so one buyer sees one blend throughout; a viewer with neither gets the current one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

CURRENT = "current"
TUNED = "tuned"
# The blend the platform shipped with: text/structured similarity 0.7, co-views 0.3.
CURRENT_SIMILARITY_WEIGHT = 0.7


def blend_arm(*, user_id: int | None, session_key: str) -> str:
    mode = settings.RECOMMENDATIONS_BLEND_ARM
    if mode in (CURRENT, TUNED):
        return mode
    key = f"u:{user_id}" if user_id else (f"s:{session_key}" if session_key else "")
    if not key:
        return CURRENT
    return TUNED if hashlib.sha256(f"blend:{key}".encode()).digest()[0] % 2 else CURRENT


def blend_weights(arm: str) -> tuple[float, float]:
    """(similarity weight, co-view weight) of an arm."""
    similarity = settings.RECOMMENDATIONS_TUNED_SIMILARITY_WEIGHT if arm == TUNED else CURRENT_SIMILARITY_WEIGHT
    return similarity, round(1 - similarity, 4)
