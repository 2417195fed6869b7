"""When a base backup is due, and of which kind. Pure: pgBackRest's backup list in, a kind out."""

from __future__ import annotations


def due_kind(backups: list[dict], *, now: float, every_hours: float, full_every_days: float) -> str | None:
    """`full`, `diff` or None (the newest backup is recent enough). `backups`: pgBackRest's good
    backups, oldest first. A differential backup copies what changed since the last full one, so a
    restore needs at most two backups plus the WAL after them."""
    if not backups:
        return "full"
    if now - backups[-1]["timestamp"]["stop"] < every_hours * 3600:
        return None
    fulls = [b for b in backups if b["type"] == "full"]
    if not fulls or now - fulls[-1]["timestamp"]["stop"] >= full_every_days * 86400:
        return "full"
    return "diff"
