"""Shipments: delayed ones (past their ETA, not delivered) and the sweep behind the pushed status updates."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jobs import marks
from jobs.models import FollowUpMark
from notifications.events import emit_many

ARRIVED = ("at_destination_port", "cleared", "delivered")


def delayed_shipments(now: datetime | None = None):
    from sales.models import Shipment

    return Shipment.objects.filter(eta__lt=now or timezone.now()).exclude(status__in=ARRIVED)


def notify_delayed(shipment_ids: list[int], *, now: datetime | None = None) -> int:
    """Tell each buyer once per missed ETA (a new ETA, missed again, is news again)."""
    rows = delayed_shipments(now).filter(pk__in=shipment_ids).values_list("pk", "eta")
    with transaction.atomic():
        claimed = marks.claim("shipment_delayed", {pk: eta.isoformat() for pk, eta in rows})
        return emit_many(("shipment_delayed", {"shipment_id": pk}) for pk in sorted(claimed))


def active_shipments():
    from sales.models import Shipment

    return Shipment.objects.exclude(status="delivered", delivered_at__lt=timezone.now() - timedelta(days=7))


def notify_untold_statuses(shipment_ids: list[int]) -> int:
    """Emit a status event for every shipment whose current status its buyer has not heard of.

    The event's handler claims the status mark, so this sweep and the pushed events never tell twice.
    """
    from sales.models import Shipment

    current = dict(Shipment.objects.filter(pk__in=shipment_ids).values_list("pk", "status"))
    told = dict(
        FollowUpMark.objects.filter(kind="shipment_status", object_id__in=current).values_list("object_id", "value")
    )
    untold = sorted(pk for pk, status in current.items() if told.get(pk) != status)
    with transaction.atomic():
        return emit_many(("shipment_status_changed", {"shipment_id": pk, "source": "sweep"}) for pk in untold)
