"""What a broker can act on: their leads and deals that wait on someone, oldest first.

A lead the dealer has not contacted within a day (the same day the inquiries' attention list gives a
silent dealer), a contacted lead that has led to no deal and seen no contact for as long as a deal
takes to count as stalled, and the broker's stalled deals (sales/stalled_deals.py, the one rule the
follow-up job uses), each with what it waits for: the deal's terms, the deposit or the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from sales.models import Deal, Lead
from sales.stalled_deals import stalled_deals

UNCONTACTED_AFTER = timedelta(days=1)
# What a stalled deal waits for, by its stage.
DEAL_WAITS_FOR = {"negotiation": "terms", "agreed": "deposit", "deposit_paid": "balance"}


@dataclass(frozen=True)
class Work:
    # "lead_uncontacted", "lead_stalled", or "deal_" + what the deal waits for ("deal_deposit"...).
    reason: str
    since: datetime
    lead: Lead | None = None
    deal: Deal | None = None


def broker_work(broker_id: int, *, now: datetime | None = None, limit: int = 50) -> list[Work]:
    """The broker's leads and deals that need a nudge, oldest first."""
    now = now or timezone.now()
    leads = Lead.objects.filter(broker_id=broker_id).select_related("buyer", "vehicle", "dealer")
    uncontacted = leads.filter(
        status=Lead.Status.NEW, last_contact_at__isnull=True, created_at__lt=now - UNCONTACTED_AFTER
    )
    stall = now - timedelta(days=settings.JOBS_STALLED_DEAL_DAYS)
    stalled_leads = (
        leads.filter(status__in=[Lead.Status.CONTACTED, Lead.Status.QUALIFIED], deals__isnull=True)
        .annotate(quiet_since=Coalesce("last_contact_at", "created_at"))
        .filter(quiet_since__lt=stall)
    )
    deals = stalled_deals(now).filter(lead__broker_id=broker_id).select_related("buyer", "vehicle", "vehicle__dealer")
    work = [Work("lead_uncontacted", lead.created_at, lead=lead) for lead in uncontacted[:limit]]
    work += [Work("lead_stalled", lead.quiet_since, lead=lead) for lead in stalled_leads[:limit]]
    work += [Work(f"deal_{DEAL_WAITS_FOR[deal.stage]}", deal.stage_changed_at, deal=deal) for deal in deals[:limit]]
    return sorted(work, key=lambda item: item.since)[:limit]
