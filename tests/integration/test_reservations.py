"""Reserving a car with a deposit against real Postgres: one winner among simultaneous buyers, a payment
after the hold lapsed, the dealer's answer and its deadline, refunds that fail and are retried, and a
ledger that balances on every path."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Vehicle
from notifications.models import OutboxEvent
from payments import states, stripe_gateway
from payments.ledger import record_creation
from payments.models import LedgerEntry, Payment, Refund
from payments.outcome import ProviderOutcome
from payments.services import PaymentInputError, apply_outcome, create_payment
from sales.models import Deal, Reservation
from sales.reservation_refunds import owed_payments, refund_owed
from sales.reservations import ReservationRefused, apply_deadlines, cancel_reservation, decide, start_reservation
from tests.support.factories import make_dealer, make_vehicle
from tests.support.payment_simulators.fixtures import currencies, make_buyer, make_user  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
State = Reservation.State


@pytest.fixture
def car(currencies):
    dealer = make_dealer()
    dealer.members.add(make_user())
    return make_vehicle(dealer, price=Decimal("12500.00"))


def pay(reservation, *, method: str = "card") -> Payment:
    """A deposit payment as create_payment makes it (card fields without Stripe), then captured."""
    buyer = reservation.buyer
    fields = {"method": "card", "provider": "stripe", "payment_method_id": "pm_test", "card_last4": "4242"}
    if method == "mobile_money":
        fields = {"method": "mobile_money", "provider": "mpesa", "phone_e164": "+254712345678", "country": "KE"}
    payment = Payment.objects.create(
        buyer=buyer,
        created_by=buyer.user,
        purpose="reservation",
        reservation=reservation,
        amount=reservation.deposit_amount,
        currency_id=reservation.currency_id,
        **fields,
    )
    record_creation(payment, cause=LedgerEntry.Cause.API, actor=buyer.user)
    return payment


def succeed(payment) -> Payment:
    return apply_outcome(
        payment.pk, ProviderOutcome(state=states.SUCCEEDED, provider_status="succeeded"), cause="webhook"
    )


def assert_ledger_balances(payment) -> None:
    payment.refresh_from_db()
    entries = LedgerEntry.objects.filter(payment=payment)
    captured = entries.filter(to_state=states.SUCCEEDED).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    refunded = entries.filter(to_state__in=[states.REFUNDED, states.PARTIALLY_REFUNDED]).aggregate(t=Sum("amount"))[
        "t"
    ] or Decimal(0)
    assert captured == payment.amount_captured
    assert refunded == payment.amount_refunded
    succeeded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    assert succeeded == payment.amount_refunded


@pytest.fixture
def stripe_refunds(monkeypatch):
    """Stripe's refund call: succeeds unless told to refuse the next N calls."""
    calls = {"refuse": 0, "made": 0}

    def create_refund(refund):
        calls["made"] += 1
        if calls["refuse"]:
            calls["refuse"] -= 1
            raise stripe_gateway.InvalidStripeRequest("charge_expired_for_refund")
        return {"id": f"re_{refund.pk}", "status": "succeeded", "amount": 0}

    monkeypatch.setattr(stripe_gateway, "create_refund", create_refund)
    return calls


def test_deposit_is_a_share_of_the_price_and_the_hold_is_refused_to_others(car):
    first, second = make_buyer(), make_buyer()
    reservation, created = start_reservation(buyer=first, vehicle_id=car.pk, client_key="k1")
    assert created and reservation.state == State.AWAITING_PAYMENT
    assert reservation.deposit_amount == Decimal("1250.00")
    again, created = start_reservation(buyer=first, vehicle_id=car.pk, client_key="k1")
    assert again.pk == reservation.pk and not created  # a double click
    with pytest.raises(ReservationRefused) as refused:
        start_reservation(buyer=second, vehicle_id=car.pk)
    assert refused.value.code == "being_reserved" and refused.value.until == reservation.pay_by
    assert not Payment.objects.exists()


def test_paying_reserves_the_car_opens_a_deal_and_tells_both(car):
    buyer = make_buyer()
    reservation, _ = start_reservation(buyer=buyer, vehicle_id=car.pk)
    payment = succeed(pay(reservation))
    reservation.refresh_from_db()
    car.refresh_from_db()
    assert reservation.state == State.HELD and reservation.payment_id == payment.pk
    assert car.status == Vehicle.Status.RESERVED
    deal = reservation.deal
    assert deal.stage == Deal.Stage.DEPOSIT_PAID and deal.agreed_price == car.price and payment.deal_id == deal.pk
    assert reservation.respond_by > timezone.now() + timedelta(hours=47)
    assert OutboxEvent.objects.filter(event_type="deal_created", payload__deal_id=deal.pk).exists()
    # A replay of the same success changes nothing.
    succeed(payment)
    assert Deal.objects.filter(vehicle=car).count() == 1
    assert not owed_payments().exists()
    assert_ledger_balances(payment)


def test_dealer_declines_the_deposit_is_refunded_and_the_car_freed(car, stripe_refunds):
    reservation, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    payment = succeed(pay(reservation))
    decide(reservation.pk, dealer_id=car.dealer_id, user=None, accept=False, reason="sold at the yard")
    reservation.refresh_from_db()
    car.refresh_from_db()
    assert reservation.state == State.DECLINED and car.status == Vehicle.Status.AVAILABLE
    assert reservation.deal.stage == Deal.Stage.CANCELLED
    assert refund_owed()["requested"] == 1
    payment.refresh_from_db()
    assert payment.state == states.REFUNDED and payment.amount_refunded == payment.amount_captured
    assert refund_owed() == {"requested": 0, "failed": 0, "waiting": 0}  # nothing owed twice
    assert OutboxEvent.objects.filter(event_type="reservation_declined").count() == 1
    assert_ledger_balances(payment)


def test_dealer_accepting_after_the_deadline_is_refused_and_the_reservation_expires(car, stripe_refunds):
    reservation, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    payment = succeed(pay(reservation))
    later = timezone.now() + timedelta(hours=49)
    with pytest.raises(ReservationRefused) as refused:
        decide(reservation.pk, dealer_id=car.dealer_id, user=None, accept=True, now=later)
    assert refused.value.code == "too_late"
    reservation.refresh_from_db()
    car.refresh_from_db()
    assert reservation.state == State.EXPIRED and car.status == Vehicle.Status.AVAILABLE
    refund_owed()
    payment.refresh_from_db()
    assert payment.state == states.REFUNDED
    assert_ledger_balances(payment)


def test_the_sweep_expires_unanswered_reservations_and_lapses_unpaid_holds(car, stripe_refunds):
    other = make_vehicle(car.dealer)
    paid_one, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    succeed(pay(paid_one))
    unpaid, _ = start_reservation(buyer=make_buyer(), vehicle_id=other.pk)
    assert apply_deadlines(timezone.now() + timedelta(hours=49)) == {"lapsed": 1, "expired": 1}
    paid_one.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid_one.state, unpaid.state) == (State.EXPIRED, State.LAPSED)
    assert {e.event_type for e in OutboxEvent.objects.filter(event_type__startswith="reservation_")} == {
        "reservation_expired"
    }
    # Accepting in time keeps the car reserved and opens the balance.
    third, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    succeed(pay(third))
    decide(third.pk, dealer_id=car.dealer_id, user=None, accept=True)
    third.refresh_from_db()
    car.refresh_from_db()
    assert third.state == State.ACCEPTED and car.status == Vehicle.Status.RESERVED


def test_a_payment_after_the_hold_lapsed_takes_the_car_if_still_free_else_is_refunded(car, stripe_refunds):
    late = make_buyer()
    reservation, _ = start_reservation(buyer=late, vehicle_id=car.pk)
    payment = pay(reservation)
    apply_deadlines(timezone.now() + timedelta(minutes=31))
    reservation.refresh_from_db()
    assert reservation.state == State.LAPSED
    # Still free: the late approval takes it.
    succeed(payment)
    reservation.refresh_from_db()
    assert reservation.state == State.HELD

    # Another car: the hold lapses, someone else reserves and pays, then the first payment lands.
    car2 = make_vehicle(car.dealer)
    slow, _ = start_reservation(buyer=make_buyer(), vehicle_id=car2.pk)
    slow_payment = pay(slow)
    fast, _ = start_reservation(buyer=make_buyer(), vehicle_id=car2.pk, now=timezone.now() + timedelta(minutes=31))
    succeed(pay(fast))
    succeed(slow_payment)
    slow.refresh_from_db()
    fast.refresh_from_db()
    assert (slow.state, fast.state) == (State.LOST, State.HELD)
    assert list(owed_payments()) == [slow_payment]
    refund_owed()
    slow_payment.refresh_from_db()
    assert slow_payment.state == states.REFUNDED
    assert OutboxEvent.objects.filter(event_type="reservation_lost").count() == 1
    assert_ledger_balances(slow_payment)


def test_a_refused_refund_is_retried_with_backoff_and_staff_are_alerted(car, stripe_refunds):
    reservation, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    payment = succeed(pay(reservation))
    decide(reservation.pk, dealer_id=car.dealer_id, user=None, accept=False)
    stripe_refunds["refuse"] = 2
    assert refund_owed()["failed"] == 1
    assert refund_owed()["waiting"] == 1  # backoff: not before a minute
    assert OutboxEvent.objects.filter(event_type="reservation_refund_failed").count() == 1
    assert refund_owed(timezone.now() + timedelta(minutes=1, seconds=1))["failed"] == 1
    assert refund_owed(timezone.now() + timedelta(minutes=3))["requested"] == 1
    payment.refresh_from_db()
    assert payment.state == states.REFUNDED
    assert payment.refunds.filter(status=Refund.Status.FAILED).count() == 2
    assert payment.refunds.filter(status=Refund.Status.SUCCEEDED).count() == 1
    assert OutboxEvent.objects.filter(event_type="reservation_refund_failed").count() == 2
    assert_ledger_balances(payment)


def test_mobile_money_refund_is_recorded_and_staff_told_to_pay_it_out(car):
    reservation, _ = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)
    payment = succeed(pay(reservation, method="mobile_money"))
    decide(reservation.pk, dealer_id=car.dealer_id, user=None, accept=False)
    refund_owed()
    payment.refresh_from_db()
    assert payment.state == states.REFUNDED
    assert OutboxEvent.objects.filter(event_type="reservation_refund_payout").count() == 1


def start_paying(user, reservation, key: str = ""):
    """The buyer starts paying the deposit by M-Pesa, as the pay page does."""
    return create_payment(
        user=user,
        purpose="reservation",
        method="mobile_money",
        provider="mpesa",
        reservation_id=reservation.pk,
        client_key=key,
    )


def test_deposit_payment_target_only_while_the_hold_lasts(car):
    buyer = make_buyer()
    reservation, _ = start_reservation(buyer=buyer, vehicle_id=car.pk)
    payment, created = start_paying(buyer.user, reservation, "pay-1")
    assert created and payment.amount == reservation.deposit_amount and payment.provider_currency == "KES"
    again, created = start_paying(buyer.user, reservation, "pay-1")
    assert again.pk == payment.pk and not created
    with pytest.raises(PaymentInputError):
        start_paying(make_buyer().user, reservation)  # someone else's reservation
    apply_deadlines(timezone.now() + timedelta(minutes=31))
    with pytest.raises(PaymentInputError):
        start_paying(buyer.user, reservation, "pay-2")  # the hold lapsed


def _in_threads(count: int, work):
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # what each buyer was told
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_simultaneous_reservations_one_wins_and_nobody_else_is_charged(car, stripe_refunds):
    buyers = [make_buyer() for _ in range(20)]
    results = _in_threads(20, lambda i: start_reservation(buyer=buyers[i], vehicle_id=car.pk, client_key=f"r{i}")[0])
    won = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, ReservationRefused)]
    assert len(won) == 1 and len(refused) == 19, results
    assert {r.code for r in refused} == {"being_reserved"}
    # The losers have nothing to pay: no payment target exists for them.
    for buyer in buyers:
        if buyer.pk != won[0].buyer_id:
            with pytest.raises(PaymentInputError):
                start_paying(buyer.user, won[0])
    succeed(pay(won[0]))
    car.refresh_from_db()
    assert car.status == Vehicle.Status.RESERVED
    assert Payment.objects.filter(state__in=sorted(states.CAPTURED)).count() == 1
    assert Reservation.objects.filter(vehicle=car, state=State.HELD).count() == 1


def test_twenty_payments_landing_at_once_for_lapsed_holds_one_car_one_keeper(car, stripe_refunds):
    """The hard case: every hold lapsed and twenty deposits are captured at the same moment (late
    approvals). Exactly one takes the car; the nineteen others are lost and refunded in full."""
    payments = []
    for i in range(20):
        reservation, _ = start_reservation(
            buyer=make_buyer(), vehicle_id=car.pk, now=timezone.now() + timedelta(minutes=31 * i)
        )
        payments.append(pay(reservation))
    apply_deadlines(timezone.now() + timedelta(days=1))
    assert Reservation.objects.filter(vehicle=car, state=State.LAPSED).count() == 20
    results = _in_threads(20, lambda i: succeed(payments[i]).state)
    assert results == [states.SUCCEEDED] * 20, results
    assert Reservation.objects.filter(vehicle=car, state=State.HELD).count() == 1
    assert Reservation.objects.filter(vehicle=car, state=State.LOST).count() == 19
    assert Deal.objects.filter(vehicle=car).count() == 1
    assert refund_owed()["requested"] == 19
    for payment in payments:
        payment.refresh_from_db()
        assert_ledger_balances(payment)
    kept = [p for p in payments if p.state == states.SUCCEEDED]
    assert len(kept) == 1 and kept[0].amount_refunded == 0
    assert sum(1 for p in payments if p.state == states.REFUNDED) == 19
    assert not owed_payments().exists()


def test_the_buyer_cancels_a_hold_before_paying_and_a_late_payment_is_refunded(car, stripe_refunds):
    first = make_buyer()
    reservation, _ = start_reservation(buyer=first, vehicle_id=car.pk)
    in_flight = pay(reservation)
    cancel_reservation(buyer=first, reservation_id=reservation.pk)
    with pytest.raises(ReservationRefused):
        cancel_reservation(buyer=first, reservation_id=reservation.pk)
    other, created = start_reservation(buyer=make_buyer(), vehicle_id=car.pk)  # free again at once
    assert created
    succeed(in_flight)
    reservation.refresh_from_db()
    assert reservation.state == State.LOST
    refund_owed()
    in_flight.refresh_from_db()
    assert in_flight.state == states.REFUNDED
    assert_ledger_balances(in_flight)
