"""Sales' scheduled jobs (see CELERY_BEAT_SCHEDULE) and the batch tasks they fan out to: stalled deals,
delayed and updated shipments, commission statements and broker accruals.

Walkers read ids in pages and hand them to batch tasks; batch tasks are idempotent (they re-read the
rows and remember what they told), so a redelivered or replayed batch does no harm.
"""

from __future__ import annotations

from django.conf import settings

from jobs.base import reliable_task
from jobs.walking import batches, id_pages

from . import commission_statements, reservation_refunds, reservations, shipment_notices, stalled_deals

# Until 2026-12 these were registered as jobs.tasks.<name> (they lived in jobs/tasks.py); those names
# stay registered as aliases, so messages queued under them are not lost.


@reliable_task(name="sales.tasks.find_stalled_deals", previous_names=("jobs.tasks.find_stalled_deals",))
def find_stalled_deals() -> int:
    handed = 0
    for page in id_pages(stalled_deals.stalled_deals()):
        for batch in batches(page):
            follow_up_stalled_deals.delay(batch)
            handed += len(batch)
    return handed


@reliable_task(
    name="sales.tasks.follow_up_stalled_deals",
    previous_names=("jobs.tasks.follow_up_stalled_deals",),
    soft_time_limit=120,
    time_limit=150,
)
def follow_up_stalled_deals(deal_ids: list[int]) -> int:
    sent, later = stalled_deals.follow_up(deal_ids)
    if later:
        # The platform-wide rate is used up: the rest waits for the bucket to refill.
        follow_up_stalled_deals.apply_async((later,), countdown=60.0 / max(settings.JOBS_FOLLOW_UPS_PER_MINUTE, 1))
    return sent


@reliable_task(name="sales.tasks.find_delayed_shipments", previous_names=("jobs.tasks.find_delayed_shipments",))
def find_delayed_shipments() -> int:
    return _hand_out(shipment_notices.delayed_shipments(), notify_delayed_shipments)


@reliable_task(
    name="sales.tasks.notify_delayed_shipments",
    previous_names=("jobs.tasks.notify_delayed_shipments",),
    soft_time_limit=120,
    time_limit=150,
)
def notify_delayed_shipments(shipment_ids: list[int]) -> int:
    return shipment_notices.notify_delayed(shipment_ids)


@reliable_task(name="sales.tasks.sweep_shipment_updates", previous_names=("jobs.tasks.sweep_shipment_updates",))
def sweep_shipment_updates() -> int:
    return _hand_out(shipment_notices.active_shipments(), notify_shipment_updates)


def _hand_out(shipment_ids, task) -> int:
    """Queue `task` for the shipments in batches, walking the ids page by page; returns how many."""
    handed = 0
    for page in id_pages(shipment_ids):
        for batch in batches(page):
            task.delay(batch)
            handed += len(batch)
    return handed


@reliable_task(
    name="sales.tasks.notify_shipment_updates",
    previous_names=("jobs.tasks.notify_shipment_updates",),
    soft_time_limit=120,
    time_limit=150,
)
def notify_shipment_updates(shipment_ids: list[int]) -> int:
    return shipment_notices.notify_untold_statuses(shipment_ids)


@reliable_task(name="sales.tasks.send_commission_statements", previous_names=("jobs.tasks.send_commission_statements",))
def send_commission_statements() -> int:
    return commission_statements.send_statements()


@reliable_task(name="sales.tasks.accrue_broker_commissions", previous_names=("jobs.tasks.accrue_broker_commissions",))
def accrue_broker_commissions() -> dict[str, int]:
    """Brokers' commissions accrue soon after a deal is paid and are reversed soon after a refund."""
    from .commissions import accrue_commissions

    return accrue_commissions()


@reliable_task(name="sales.tasks.sweep_reservations", soft_time_limit=120, time_limit=150)
def sweep_reservations() -> dict[str, int]:
    """Deadlines nobody acted on (unpaid holds lapse, unanswered reservations expire), then deposits
    owed back are refunded. Every minute, and kicked when a reservation ends."""
    return reservations.apply_deadlines() | reservation_refunds.refund_owed()
