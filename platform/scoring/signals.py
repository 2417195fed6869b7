"""A lead saved through the ORM is (re)scored after its transaction commits; other write paths are swept."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from sales.models import Lead

log = logging.getLogger(__name__)


def _queue(lead_id: int) -> None:
    from .tasks import score_leads

    try:
        score_leads.apply_async(args=[[lead_id]], retry=False)
    except Exception as exc:  # the broker is away: the sweep (scoring.tasks.score_unscored_leads) catches up
        log.warning("lead %s: scoring not queued: %s", lead_id, exc)


@receiver(post_save, sender=Lead, dispatch_uid="scoring-lead-saved")
def lead_saved(sender, instance: Lead, **kwargs) -> None:
    # After commit only: a task sent earlier could read the row before it exists, or one rolled back.
    lead_id = instance.pk
    transaction.on_commit(lambda: _queue(lead_id))
