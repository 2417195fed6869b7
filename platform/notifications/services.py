"""Writes behind the notification API: saved searches, price watches, preferences, read marks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jobs.tracking import start_tracked_task
from search.request import VehicleQuery

from . import task_names
from .models import Notification, NotificationPreference, PriceWatch, SavedSearch
from .saved_searches import current_vehicle_version

SYNC_TASK = task_names.SYNC_SAVED_SEARCH
# A sync that never reached the broker: registered again by this sweep (a deleted search left
# registered is harmless: matching reads only active rows).
RESYNC = task_names.RESYNC_SAVED_SEARCHES


@transaction.atomic
def saved_search_create(*, user, name: str, params: dict[str, Any], query: VehicleQuery) -> tuple[SavedSearch, str]:
    """Save the search and register its percolator query once committed. Returns it and the task id."""
    search = SavedSearch.objects.create(
        user=user, name=name, params=params, query=query.to_dict(), since_version=current_vehicle_version()
    )
    return search, start_tracked_task(SYNC_TASK, owner=user, args=[search.id], caught_up_by=RESYNC)


@transaction.atomic
def saved_search_set_active(*, search: SavedSearch, active: bool) -> tuple[SavedSearch, str | None]:
    if search.active == active:
        return search, None
    search.active = active
    if active:
        # Resuming is like saving anew: vehicles listed while paused are not news.
        search.since_version = current_vehicle_version()
    search.save(update_fields=["active", "since_version", "updated_at"])
    return search, start_tracked_task(SYNC_TASK, owner=search.user, args=[search.id], caught_up_by=RESYNC)


@transaction.atomic
def saved_search_delete(*, search: SavedSearch) -> str:
    owner, search_id = search.user, search.id
    search.delete()
    return start_tracked_task(SYNC_TASK, owner=owner, args=[search_id], caught_up_by=RESYNC)


def price_watch_create(*, user, vehicle, target_price=None) -> PriceWatch:
    watch, _ = PriceWatch.objects.update_or_create(
        user=user, vehicle=vehicle, defaults={"target_price": target_price, "active": True, "notified_at": None}
    )
    return watch


def price_watch_set_active(*, watch: PriceWatch, active: bool) -> PriceWatch:
    PriceWatch.objects.filter(pk=watch.pk).update(active=active)
    watch.active = active
    return watch


def price_watch_delete(*, watch: PriceWatch) -> None:
    watch.delete()


def preferences_for(user) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    return pref


def preferences_update(*, user, **changes) -> NotificationPreference:
    pref = preferences_for(user)
    for field, value in changes.items():
        setattr(pref, field, value)
    if changes.get("whatsapp_enabled"):
        pref.whatsapp_opted_out_at = None  # switching WhatsApp back on is the user's opt-in
    pref.save()
    return pref


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int]) -> int:
    """Mark in-app notifications read; their in-app messages in the log move to "read" too."""
    from .models import Channel, Message

    now = timezone.now()
    marked = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(read_at=now)
    Message.objects.filter(
        user=user, channel=Channel.IN_APP, notifications__in=ids, status=Message.Status.DELIVERED
    ).update(status=Message.Status.READ, read_at=now)
    return marked
