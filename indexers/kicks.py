"""Waking the indexers: at most one drain queued at a time, however many commits ask for one.

See reliability.kicks: the drain clears the flag when it starts, so a commit landing while a drain
runs queues exactly one more; if Redis is away the kick is skipped and the periodic sweep picks the
changes up.
"""

from __future__ import annotations

from django.conf import settings

from reliability.kicks import KickOnce

# If a queued drain is lost (Redis flushed, broker restarted), the flag expires and kicks resume.
DRAIN = KickOnce(flag="nzila:indexers:drain-queued", task_name="indexers.tasks.drain_changes", ttl_ms=10_000)


def kick() -> bool:
    return DRAIN.kick(settings.CELERY_BROKER_URL)


def clear() -> None:
    DRAIN.taken(settings.CELERY_BROKER_URL)
