"""A/B assignment of leads: a stable hash of the lead id puts each lead in the rules arm or the model arm."""

from __future__ import annotations

import hashlib


def arm_for(lead_id: int, *, salt: str, model_share: float) -> str:
    digest = hashlib.sha256(f"{salt}:{lead_id}".encode()).digest()
    # The first 8 bytes as a fraction in [0, 1): uniform, and the same on every machine and every run.
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return "model" if fraction < model_share else "rules"
