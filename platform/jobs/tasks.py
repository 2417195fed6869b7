"""The scheduled jobs (see CELERY_BEAT_SCHEDULE) and the batch tasks they fan out to.

Walkers read ids in pages and hand them to batch tasks; batch tasks are idempotent (they re-read the
rows and remember what they told), so a redelivered or replayed batch does no harm.
"""

from __future__ import annotations

from django.conf import settings

from . import canaries, cleanup, commissions, deals, prices, shipments
from .base import reliable_task
from .walking import batches, id_pages


@reliable_task(name="jobs.tasks.find_stalled_deals")
def find_stalled_deals() -> int:
    handed = 0
    for page in id_pages(deals.stalled_deals()):
        for batch in batches(page):
            follow_up_stalled_deals.delay(batch)
            handed += len(batch)
    return handed


@reliable_task(name="jobs.tasks.follow_up_stalled_deals", soft_time_limit=120, time_limit=150)
def follow_up_stalled_deals(deal_ids: list[int]) -> int:
    sent, later = deals.follow_up(deal_ids)
    if later:
        # The platform-wide rate is used up: the rest waits for the bucket to refill.
        follow_up_stalled_deals.apply_async((later,), countdown=60.0 / max(settings.JOBS_FOLLOW_UPS_PER_MINUTE, 1))
    return sent


@reliable_task(name="jobs.tasks.find_delayed_shipments")
def find_delayed_shipments() -> int:
    handed = 0
    for page in id_pages(shipments.delayed_shipments()):
        for batch in batches(page):
            notify_delayed_shipments.delay(batch)
            handed += len(batch)
    return handed


@reliable_task(name="jobs.tasks.notify_delayed_shipments", soft_time_limit=120, time_limit=150)
def notify_delayed_shipments(shipment_ids: list[int]) -> int:
    return shipments.notify_delayed(shipment_ids)


@reliable_task(name="jobs.tasks.sweep_shipment_updates")
def sweep_shipment_updates() -> int:
    handed = 0
    for page in id_pages(shipments.active_shipments()):
        for batch in batches(page):
            notify_shipment_updates.delay(batch)
            handed += len(batch)
    return handed


@reliable_task(name="jobs.tasks.notify_shipment_updates", soft_time_limit=120, time_limit=150)
def notify_shipment_updates(shipment_ids: list[int]) -> int:
    return shipments.notify_untold_statuses(shipment_ids)


@reliable_task(name="jobs.tasks.check_price_changes")
def check_price_changes() -> int:
    return prices.walk_changed_vehicles(
        page_size=settings.JOBS_PAGE_SIZE,
        batch_size=settings.JOBS_BATCH_SIZE,
        fan_out=lambda batch: record_price_changes.delay(batch),
    )


@reliable_task(name="jobs.tasks.record_price_changes", soft_time_limit=300, time_limit=360)
def record_price_changes(vehicle_ids: list[int]) -> dict[str, int]:
    return prices.record_price_changes(vehicle_ids)


@reliable_task(name="jobs.tasks.send_commission_statements")
def send_commission_statements() -> int:
    return commissions.send_statements()


@reliable_task(name="jobs.tasks.accrue_broker_commissions")
def accrue_broker_commissions() -> dict[str, int]:
    """Brokers' commissions accrue soon after a deal is paid and are reversed soon after a refund."""
    from sales.commissions import accrue_commissions

    return accrue_commissions()


@reliable_task(name="jobs.tasks.clean_up_audit_log")
def clean_up_audit_log() -> dict[str, int]:
    return cleanup.clean_up()


@reliable_task(name="jobs.tasks.canary", bind=True, soft_time_limit=300, time_limit=330)
def canary(self, token: str, sleep_seconds: float = 0.0, fail_times: int = 0) -> dict:
    """A task that proves the pipeline end to end (and lets benchmarks time it): it counts its starts and
    completions in Redis under `token`, sleeps, and fails transiently for its first `fail_times` tries."""
    return canaries.run(token, sleep_seconds=sleep_seconds, fail_times=fail_times, task_id=self.request.id)
