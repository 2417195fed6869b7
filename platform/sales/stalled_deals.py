"""Stalled deals: a deal in an open stage with no stage change for JOBS_STALLED_DEAL_DAYS gets one
follow-up (to buyer and dealer) per stall, at most JOBS_FOLLOW_UPS_PER_MINUTE platform-wide."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs import marks
from jobs.models import FollowUpMark
from jobs.ratelimit import TokenBucket
from notifications.events import emit_many

OPEN_STAGES = ("negotiation", "agreed", "deposit_paid")
KIND = "deal_stalled"


def follow_up_bucket() -> TokenBucket:
    return TokenBucket("deal-follow-ups", rate=settings.JOBS_FOLLOW_UPS_PER_MINUTE, per=60.0)


def stalled_deals(now: datetime | None = None):
    from sales.models import Deal

    cutoff = (now or timezone.now()) - timedelta(days=settings.JOBS_STALLED_DEAL_DAYS)
    return Deal.objects.filter(stage__in=OPEN_STAGES, stage_changed_at__lt=cutoff)


def situation(stage: str, since: datetime) -> str:
    return f"{stage}@{since.isoformat()}"


def follow_up(deal_ids: list[int], *, now: datetime | None = None) -> tuple[int, list[int]]:
    """Send follow-ups for these deals, as many as the rate limit allows now.

    Returns (sent, ids left for later). Deals already followed up for this stall cost no token.
    """
    now = now or timezone.now()
    deals = list(
        stalled_deals(now).filter(pk__in=deal_ids).order_by("pk").values_list("pk", "stage", "stage_changed_at")
    )
    told = dict(
        FollowUpMark.objects.filter(kind=KIND, object_id__in=[d[0] for d in deals]).values_list("object_id", "value")
    )
    todo = [(pk, stage, since) for pk, stage, since in deals if told.get(pk) != situation(stage, since)]
    bucket = follow_up_bucket()
    granted = 0
    while granted < len(todo) and bucket.try_take() == 0.0:
        granted += 1
    now_batch, later = todo[:granted], [pk for pk, _, _ in todo[granted:]]
    with transaction.atomic():
        claimed = marks.claim(KIND, {pk: situation(stage, since) for pk, stage, since in now_batch})
        emit_many(
            ("deal_stalled", {"deal_id": pk, "stage": stage, "days": (now - since).days})
            for pk, stage, since in now_batch
            if pk in claimed
        )
    return len(claimed), later
