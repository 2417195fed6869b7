"""The scheduled jobs' own logic against the real database: pages and batches, never the same
follow-up twice, the platform-wide follow-up rate, price history in bulk from changed vehicles only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from catalog import price_changes as prices
from catalog.models import PriceHistory, Vehicle
from jobs import cleanup
from jobs.models import JobCursor
from jobs.walking import id_pages
from notifications import dispatch
from notifications.models import Notification, OutboxEvent, PriceWatch
from sales import commission_statements as commissions
from sales import shipment_notices as shipments
from sales import stalled_deals as deals
from sales import tasks
from sales.models import Deal
from tests.support.notification_support import (  # noqa: F401
    clean_broker,
    fast_settings,
    make_deal,
    make_dealer,
    make_shipment,
    make_user,
    make_vehicle,
)

pytestmark = pytest.mark.django_db


def stall(deal, days: int = 30) -> None:
    Deal.objects.filter(pk=deal.pk).update(stage_changed_at=timezone.now() - timedelta(days=days))


def events(kind: str):
    return OutboxEvent.objects.filter(event_type=kind)


@pytest.fixture
def follow_up_rate(fast_settings, clean_broker):
    fast_settings.JOBS_FOLLOW_UPS_PER_MINUTE = 2
    deals.follow_up_bucket().reset()
    return 2


def test_stalled_deals_are_followed_up_once_and_within_the_rate(follow_up_rate):
    stalled = [make_deal() for _ in range(3)]
    for deal in stalled:
        stall(deal)
    fresh = make_deal()
    ids = [d.pk for d in stalled] + [fresh.pk]

    sent, later = deals.follow_up(ids)
    assert sent == 2 and later == [stalled[2].pk]  # two a minute: the third waits
    deals.follow_up_bucket().reset()  # a minute later
    assert deals.follow_up(later) == (1, [])
    deals.follow_up_bucket().reset()
    assert deals.follow_up(ids) == (0, [])  # all told already: no token spent, nothing sent
    assert sorted(e.payload["deal_id"] for e in events("deal_stalled")) == sorted(d.pk for d in stalled)

    # The deal moves on and stalls again: that is a new stall, worth one new follow-up.
    Deal.objects.filter(pk=stalled[0].pk).update(stage="agreed", stage_changed_at=timezone.now() - timedelta(days=9))
    assert deals.follow_up(ids) == (1, [])


def test_stalled_deals_walk_in_pages_and_fan_out_in_batches(fast_settings, monkeypatch):
    fast_settings.JOBS_PAGE_SIZE, fast_settings.JOBS_BATCH_SIZE = 3, 2
    made = [make_deal() for _ in range(5)]
    for deal in made:
        stall(deal)
    sent = []
    monkeypatch.setattr(tasks.follow_up_stalled_deals, "delay", lambda batch: sent.append(batch))
    assert tasks.find_stalled_deals() == 5
    assert sent == [[made[0].pk, made[1].pk], [made[2].pk], [made[3].pk, made[4].pk]]  # pages of 3, batches of 2
    assert list(id_pages(Deal.objects.all(), page_size=2)) == [
        [d.pk for d in made[:2]],
        [d.pk for d in made[2:4]],
        [made[4].pk],
    ]


def test_delayed_shipments_are_told_once_per_missed_eta(fast_settings):
    late = make_shipment(eta=timezone.now() - timedelta(days=1), status="in_transit")
    on_time = make_shipment(eta=timezone.now() + timedelta(days=5), status="in_transit")
    arrived = make_shipment(eta=timezone.now() - timedelta(days=1), status="cleared")
    ids = [late.pk, on_time.pk, arrived.pk]
    assert shipments.notify_delayed(ids) == 1
    assert shipments.notify_delayed(ids) == 0
    late.eta = timezone.now() - timedelta(hours=1)  # a new ETA, missed again
    late.save(update_fields=["eta"])
    assert shipments.notify_delayed(ids) == 1
    assert [e.payload for e in events("shipment_delayed")] == [{"shipment_id": late.pk}] * 2


def test_price_checks_read_only_changed_vehicles_and_record_history_in_bulk(
    fast_settings, django_assert_max_num_queries
):
    cars = [make_vehicle(price=Decimal("10000")) for _ in range(4)]
    watcher, any_drop = make_user(), make_user()
    PriceWatch.objects.create(user=watcher, vehicle=cars[0], target_price=Decimal("9000"))
    PriceWatch.objects.create(user=any_drop, vehicle=cars[0])
    batches = []

    def run():
        batches.clear()
        prices.walk_changed_vehicles(page_size=3, batch_size=2, fan_out=batches.append)
        return [prices.record_price_changes(batch) for batch in list(batches)]

    run()
    assert PriceHistory.objects.count() == 4  # first sight of each vehicle
    assert sorted(i for b in batches for i in b) == sorted(c.pk for c in cars)

    # A raw mass update (no save(), no updated_at): still seen, through the version its trigger stamps.
    Vehicle.objects.filter(pk=cars[0].pk).update(price=Decimal("8500"))
    run()
    seen = {i for b in batches for i in b}
    assert cars[0].pk in seen and seen <= {c.pk for c in cars}  # the rest only because of the two-run overlap
    run()
    assert {i for b in batches for i in b} == {cars[0].pk}  # now the others are past the cursor
    with django_assert_max_num_queries(8):
        assert prices.record_price_changes([c.pk for c in cars]) == {"recorded": 0, "drops": 0, "rearmed": 0}
    assert PriceHistory.objects.filter(vehicle=cars[0]).count() == 2
    drops = list(events("price_drop"))
    assert [d.payload for d in drops] == [
        {"vehicle_id": cars[0].pk, "old_price": "10000.00", "new_price": "8500.00", "currency": "USD"}
    ]

    dispatch.dispatch_outbox()
    told = Notification.objects.filter(event_type="price_drop")
    assert sorted(n.user_id for n in told) == sorted([watcher.pk, any_drop.pk])
    assert PriceWatch.objects.get(user=watcher).notified_at is not None
    # Back above the target re-arms the watch.
    Vehicle.objects.filter(pk=cars[0].pk).update(price=Decimal("9500"))
    run()
    assert PriceWatch.objects.get(user=watcher).notified_at is None
    assert JobCursor.objects.get(name=prices.CURSOR).position > 0


def test_commission_statements_go_once_a_week_per_dealer(fast_settings):
    dealer = make_dealer()
    for _ in range(2):
        make_deal(vehicle=make_vehicle(dealer=dealer), stage="paid", commission_rate=Decimal("0.05"))
    make_deal(stage="negotiation", commission_rate=Decimal("0.05"))
    monday = timezone.now()
    assert commissions.send_statements(now=monday) == 1
    assert commissions.send_statements(now=monday) == 0
    assert commissions.send_statements(now=monday + timedelta(days=7)) == 1
    payload = events("commission_statement").first().payload
    assert payload["dealer_id"] == dealer.pk and payload["deals"] == 2 and Decimal(payload["total"]) == Decimal("1200")


def test_audit_log_clean_up_deletes_only_what_is_past_retention(fast_settings):
    user = make_user()
    kind = ContentType.objects.get_for_model(Vehicle)
    old = LogEntry.objects.create(user=user, content_type=kind, object_id="1", object_repr="old", action_flag=ADDITION)
    LogEntry.objects.filter(pk=old.pk).update(action_time=timezone.now() - timedelta(days=400))
    recent = LogEntry.objects.create(
        user=user, content_type=kind, object_id="2", object_repr="new", action_flag=ADDITION
    )
    report = cleanup.clean_up()
    assert report["admin_log_entries"] == 1
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_record_price_changes_is_idempotent(fast_settings):
    car = make_vehicle()
    assert prices.record_price_changes([car.pk])["recorded"] == 1
    assert prices.record_price_changes([car.pk])["recorded"] == 0
