"""The ledger is append-only in the database, and the state machine refuses illegal moves."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from payments import states
from payments.ledger import lock_payment, record_creation, transition
from payments.models import LedgerEntry, Payment
from tests.support.payment_simulators.fixtures import currencies, make_buyer, make_deal  # noqa: F401

pytestmark = pytest.mark.django_db


def _payment(**overrides) -> Payment:
    buyer = make_buyer()
    deal = make_deal(buyer)
    fields = {
        "buyer": buyer,
        "created_by": buyer.user,
        "purpose": "deal",
        "deal": deal,
        "method": "card",
        "provider": "stripe",
        "amount": Decimal("100.00"),
        "currency_id": "USD",
    }
    payment = Payment.objects.create(**{**fields, **overrides})
    record_creation(payment, cause="api", actor=buyer.user)
    return payment


def test_every_transition_is_recorded_with_its_cause(currencies):
    payment = _payment()
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        transition(payment, states.PENDING, cause="api", reference="submit")
        payment.amount_captured = payment.amount
        transition(payment, states.SUCCEEDED, cause="webhook", reference="evt_1", amount=payment.amount)
    entries = list(payment.ledger.order_by("id").values_list("from_state", "to_state", "cause", "reference"))
    assert entries == [
        ("", "created", "api", ""),
        ("created", "pending", "api", "submit"),
        ("pending", "succeeded", "webhook", "evt_1"),
    ]


def test_illegal_transition_refused_and_nothing_recorded(currencies):
    payment = _payment()
    with pytest.raises(states.IllegalTransition), transaction.atomic():
        transition(lock_payment(payment.pk), states.REFUNDED, cause="staff")
    payment.refresh_from_db()
    assert payment.state == "created" and payment.ledger.count() == 1


def test_ledger_refuses_update_and_delete(currencies):
    payment = _payment()
    entry = payment.ledger.get()
    for sql in (
        "UPDATE payments_ledgerentry SET to_state = 'succeeded' WHERE id = %s",
        "DELETE FROM payments_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).to_state == "created"


@pytest.mark.parametrize(
    "changes,constraint",
    [
        ({"amount": Decimal("0")}, "payment_amount_positive"),
        (
            {"amount_captured": Decimal("100"), "amount_refunded": Decimal("100.01"), "state": "refunded"},
            "payment_refunded_within_captured",
        ),
        ({"state": "paid"}, "payment_state_valid"),
        ({"state": "succeeded"}, "payment_captured_when_paid"),
        ({"provider": "mpesa"}, "payment_method_matches_provider"),
    ],
)
def test_database_checks_hold_for_every_writer(currencies, changes, constraint):
    payment = _payment()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(**changes)
