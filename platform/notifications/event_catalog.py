"""The notification event catalogue: for each event type, who hears of it and what the message says.

A resolver re-reads the rows (the event only names them) and returns (user id, context) pairs; a
renderer turns one context into a summary line, an e-mail subject and, where WhatsApp has an approved
template for it, that template and its parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from jobs import marks
from payments.failure_reasons import buyer_reason

Context = dict[str, Any]
Recipients = list[tuple[int, Context]]


@dataclass(frozen=True)
class Rendered:
    summary: str
    subject: str
    template: str = ""
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventKind:
    name: str
    resolve: Callable[[Any], Recipients]
    render: Callable[[Context], Rendered]


def money(amount: Any, currency: str) -> str:
    value = Decimal(str(amount))
    return f"{currency} {value:,.0f}" if value == value.to_integral() else f"{currency} {value:,.2f}"


def vehicle_title(vehicle) -> str:
    return " ".join(str(p) for p in (vehicle.year, vehicle.make, vehicle.model, vehicle.trim) if p)


def _dealer_member_ids(dealer_id: int) -> list[int]:
    from catalog.models import Dealer

    return list(Dealer.members.through.objects.filter(dealer_id=dealer_id).values_list("user_id", flat=True))


def _deal_parties(deal, base: Context) -> Recipients:
    out: Recipients = [(deal.buyer.user_id, {**base, "role": "buyer"})]
    out += [(uid, {**base, "role": "dealer"}) for uid in _dealer_member_ids(deal.vehicle.dealer_id)]
    return out


def _load_deal(deal_id: int):
    from sales.models import Deal

    return Deal.objects.select_related("buyer", "vehicle", "reservation").filter(pk=deal_id).first()


def _deal_context(deal) -> Context:
    return {
        "deal_id": deal.id,
        "vehicle": vehicle_title(deal.vehicle),
        "vehicle_id": deal.vehicle_id,
        "price": str(deal.agreed_price),
        "currency": deal.currency_id,
        "buyer_name": deal.buyer.full_name,
        "stage": deal.stage,
    }


def _explicit(event, context: Context) -> Recipients:
    return [(uid, {**context, "role": "recipient"}) for uid in event.recipients]


# --- deal created ---------------------------------------------------------------------------------


def resolve_deal_created(event) -> Recipients:
    deal = _load_deal(event.payload["deal_id"])
    if deal is None:
        return []
    context = _deal_context(deal) | _reservation_context(getattr(deal, "reservation", None))
    return _explicit(event, context) if event.recipients else _deal_parties(deal, context)


def render_deal_created(c: Context) -> Rendered:
    price = money(c["price"], c["currency"])
    if c.get("reservation_id"):
        return render_reservation_opened(c)
    if c.get("role") == "dealer":
        return Rendered(
            f"New deal #{c['deal_id']}: {c['buyer_name']} for the {c['vehicle']} at {price}.",
            f"New deal #{c['deal_id']}: {c['vehicle']}",
        )
    return Rendered(
        f"Deal #{c['deal_id']} confirmed: {c['vehicle']} at {price}.",
        f"Your deal #{c['deal_id']} is confirmed",
        "deal_confirmation",
        (c["buyer_name"], c["vehicle"], price, str(c["deal_id"])),
    )


# --- reservations: a deposit holds a car while the dealer answers ------------------------------------


def _reservation_context(reservation) -> Context:
    if reservation is None:
        return {}
    return {
        "reservation_id": reservation.pk,
        "dealer_id": reservation.dealer_id,
        "dealer_name": reservation.dealer.name,
        "deposit": str(reservation.deposit_amount),
        "currency": reservation.currency_id,
        "respond_by": reservation.respond_by.strftime("%Y-%m-%d %H:%M UTC") if reservation.respond_by else "",
        "state": reservation.state,
    }


def render_reservation_opened(c: Context) -> Rendered:
    site = settings.NOTIFICATIONS_SITE_URL
    deposit = money(c["deposit"], c["currency"])
    if c.get("role") == "dealer":
        link = f"{site}/dealer/{c['dealer_id']}/reservations/"
        return Rendered(
            f"{c['buyer_name']} paid a deposit of {deposit} to reserve the {c['vehicle']}. "
            f"Accept or decline by {c['respond_by']}: {link}",
            f"Reservation: {c['vehicle']}",
        )
    return Rendered(
        f"Your deposit of {deposit} reserves the {c['vehicle']}. {c['dealer_name']} answers by "
        f"{c['respond_by']}; if they decline or do not answer, the deposit is refunded. {site}/accounts/reservations/",
        f"The {c['vehicle']} is reserved for you",
    )


RESERVATION_NOTICES = ("reservation_accepted", "reservation_declined", "reservation_expired", "reservation_lost")


def resolve_reservation_notice(event) -> Recipients:
    """The buyer hears of every end of a reservation; the dealer's members also of one they let expire."""
    from sales.models import Reservation

    reservation = (
        Reservation.objects.select_related("buyer", "vehicle", "dealer")
        .filter(pk=event.payload["reservation_id"])
        .first()
    )
    if reservation is None:
        return []
    context = _reservation_context(reservation) | {
        "event": event.event_type,
        "vehicle": vehicle_title(reservation.vehicle),
        "buyer_name": reservation.buyer.full_name,
    }
    out: Recipients = [(reservation.buyer.user_id, {**context, "role": "buyer"})]
    if event.event_type == "reservation_expired":
        out += [(uid, {**context, "role": "dealer"}) for uid in _dealer_member_ids(reservation.dealer_id)]
    return out


def render_reservation_notice(c: Context) -> Rendered:
    vehicle, deposit = c["vehicle"], money(c["deposit"], c["currency"])
    if c.get("role") == "dealer":
        return Rendered(
            f"The reservation of the {vehicle} by {c['buyer_name']} expired unanswered; the deposit is refunded "
            "and the car is on sale again.",
            f"Reservation expired: {vehicle}",
        )
    words = {
        "reservation_accepted": (
            f"{c['dealer_name']} accepted your reservation of the {vehicle}. The balance is now due.",
            f"Reservation accepted: {vehicle}",
        ),
        "reservation_declined": (
            f"{c['dealer_name']} declined your reservation of the {vehicle}. Your deposit of {deposit} is refunded.",
            f"Reservation declined: {vehicle}",
        ),
        "reservation_expired": (
            f"{c['dealer_name']} did not answer in time about the {vehicle}. Your deposit of {deposit} is refunded.",
            f"Reservation expired: {vehicle}",
        ),
        "reservation_lost": (
            f"Your deposit for the {vehicle} arrived after another buyer reserved it. It is refunded in full.",
            f"Your deposit for the {vehicle} is refunded",
        ),
    }
    summary, subject = words[c["event"]]
    return Rendered(f"{summary} {settings.NOTIFICATIONS_SITE_URL}/accounts/reservations/", subject)


# --- payment received -----------------------------------------------------------------------------


def resolve_payment_received(event) -> Recipients:
    payload = event.payload
    context: Context = {
        "amount": str(payload["amount"]),
        "currency": payload["currency"],
        "reference": str(payload.get("reference", "")),
        "vehicle": payload.get("vehicle", ""),
        "payment_id": payload.get("payment_id"),
    }
    deal = _load_deal(payload["deal_id"]) if payload.get("deal_id") else None
    if deal is not None:
        context.update(_deal_context(deal))
    if event.recipients or deal is None:
        return _explicit(event, context)
    return _deal_parties(deal, context)


def render_payment_received(c: Context) -> Rendered:
    amount = money(c["amount"], c["currency"])
    what = f" for the {c['vehicle']}" if c.get("vehicle") else ""
    if c.get("role") == "dealer":
        return Rendered(
            f"Payment of {amount} received{what} (deal #{c.get('deal_id')}).", f"Payment received: {amount}"
        )
    return Rendered(
        f"We received your payment of {amount}{what}. Thank you.",
        f"Payment received: {amount}",
        "payment_received",
        (amount, c.get("vehicle") or c.get("reference") or "your order"),
    )


def resolve_payment_failed(event) -> Recipients:
    keys = ("amount", "currency", "reference", "payment_id", "failure_code")
    return _explicit(event, {key: event.payload.get(key) for key in keys})  # the emitter names the buyer


def render_payment_failed(c: Context) -> Rendered:
    amount = money(c["amount"], c["currency"])
    what = f" ({c['reference']})" if c.get("reference") else ""
    why = buyer_reason(c.get("failure_code") or "")
    return Rendered(f"Your payment of {amount}{what} did not go through. {why}".strip(), f"Payment not made: {amount}")


# --- shipments ------------------------------------------------------------------------------------


def _load_shipment(shipment_id: int):
    from sales.models import Shipment

    return Shipment.objects.select_related("deal__buyer", "deal__vehicle").filter(pk=shipment_id).first()


def _shipment_context(shipment) -> Context:
    return {
        "shipment_id": shipment.id,
        "deal_id": shipment.deal_id,
        "vehicle": vehicle_title(shipment.deal.vehicle),
        "status": shipment.status,
        "status_label": shipment.get_status_display().lower().replace("_", " "),
        "destination_port": shipment.destination_port,
        "eta": shipment.eta.date().isoformat() if shipment.eta else "",
    }


def resolve_shipment_status_changed(event) -> Recipients:
    shipment = _load_shipment(event.payload["shipment_id"])
    if shipment is None:
        return []
    # The current status, not the event's: two quick changes become one message about the latest,
    # and the push path and the 6-hourly sweep never tell the same status twice.
    if not marks.claim("shipment_status", {shipment.id: shipment.status}):
        return []
    return [(shipment.deal.buyer.user_id, {**_shipment_context(shipment), "role": "buyer"})]


def render_shipment_status_changed(c: Context) -> Rendered:
    eta = c["eta"] or "to be confirmed"
    return Rendered(
        f"Shipment of your {c['vehicle']}: {c['status_label']} (ETA {eta}).",
        f"Shipment update: {c['status_label']}",
        "shipment_update",
        (c["vehicle"], c["status_label"], eta),
    )


def resolve_shipment_delayed(event) -> Recipients:
    shipment = _load_shipment(event.payload["shipment_id"])
    if shipment is None or shipment.status == "delivered":
        return []
    return [(shipment.deal.buyer.user_id, {**_shipment_context(shipment), "role": "buyer"})]


def render_shipment_delayed(c: Context) -> Rendered:
    return Rendered(
        f"Your {c['vehicle']} has not reached {c['destination_port']} by its ETA ({c['eta']}). "
        f"We are following up with the carrier.",
        "Your shipment is delayed",
        "shipment_update",
        (c["vehicle"], "delayed", c["eta"] or "to be confirmed"),
    )


# --- stalled deals --------------------------------------------------------------------------------


def resolve_deal_stalled(event) -> Recipients:
    deal = _load_deal(event.payload["deal_id"])
    if deal is None or deal.stage != event.payload.get("stage", deal.stage):
        return []  # it moved on since the follow-up was decided
    context = {**_deal_context(deal), "days": event.payload.get("days")}
    return _deal_parties(deal, context)


def render_deal_stalled(c: Context) -> Rendered:
    stage = c["stage"].replace("_", " ")
    if c.get("role") == "dealer":
        return Rendered(
            f"Deal #{c['deal_id']} ({c['vehicle']}, {c['buyer_name']}) has been {stage} for "
            f"{c['days']} days. Time to follow up?",
            f"Deal #{c['deal_id']} needs a follow-up",
        )
    return Rendered(
        f"Your deal #{c['deal_id']} for the {c['vehicle']} has been {stage} for {c['days']} days. "
        f"Reply here if you need help with the next step.",
        f"Your deal #{c['deal_id']}: next steps",
    )


# --- prices and saved searches --------------------------------------------------------------------


def resolve_price_drop(event) -> Recipients:
    from catalog.models import Vehicle

    p = event.payload
    vehicle = Vehicle.objects.filter(pk=p["vehicle_id"]).first()
    if vehicle is None or vehicle.status not in settings.SEARCHABLE_STATUSES:
        return []
    new_price = Decimal(str(p["new_price"]))
    context: Context = {
        "vehicle_id": vehicle.id,
        "vehicle": vehicle_title(vehicle),
        "old_price": str(p["old_price"]),
        "new_price": str(new_price),
        "currency": p["currency"],
        "role": "watcher",
    }
    # Watchers of any drop hear of every drop; a target price is told once, when reached (claimed here,
    # in the dispatch transaction, so a retried dispatch cannot tell it twice).
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE notifications_pricewatch SET notified_at = now()
                WHERE vehicle_id = %s AND active AND target_price IS NOT NULL AND notified_at IS NULL
                  AND target_price >= %s RETURNING user_id, target_price""",
            [vehicle.id, new_price],
        )
        reached = cursor.fetchall()
        cursor.execute(
            "SELECT user_id FROM notifications_pricewatch WHERE vehicle_id = %s AND active AND target_price IS NULL",
            [vehicle.id],
        )
        any_drop = [row[0] for row in cursor.fetchall()]
    out = [(uid, {**context, "target_price": str(target)}) for uid, target in reached]
    return out + [(uid, context) for uid in any_drop]


def render_price_drop(c: Context) -> Rendered:
    new, old = money(c["new_price"], c["currency"]), money(c["old_price"], c["currency"])
    if c.get("target_price"):
        return Rendered(
            f"The {c['vehicle']} you watch is now {new} (was {old}), at or below your target "
            f"of {money(c['target_price'], c['currency'])}.",
            f"Price target reached: {c['vehicle']}",
        )
    return Rendered(f"Price drop: the {c['vehicle']} is now {new} (was {old}).", f"Price drop: {c['vehicle']}")


def resolve_saved_search_match(event) -> Recipients:
    from catalog.models import Vehicle

    from .models import SavedSearch

    p = event.payload
    search = SavedSearch.objects.filter(pk=p["saved_search_id"], active=True).first()
    vehicle = Vehicle.objects.filter(pk=p["vehicle_id"]).first()
    if search is None or vehicle is None:
        return []
    return [
        (
            search.user_id,
            {
                "saved_search_id": search.id,
                "saved_search": search.name,
                "vehicle_id": vehicle.id,
                "vehicle": vehicle_title(vehicle),
                "price": str(vehicle.price),
                "currency": vehicle.currency_id,
                "role": "buyer",
            },
        )
    ]


def render_saved_search_match(c: Context) -> Rendered:
    return Rendered(
        f'New match for "{c["saved_search"]}": {c["vehicle"]} at {money(c["price"], c["currency"])}.',
        f'New match for your search "{c["saved_search"]}"',
    )


# --- dealers' commissions -------------------------------------------------------------------------


def resolve_commission_statement(event) -> Recipients:
    p = event.payload
    context = {
        "dealer_id": p["dealer_id"],
        "week": p["week"],
        "deals": p["deals"],
        "total": p["total"],
        "currency": p.get("currency", "USD"),
        "role": "dealer",
    }
    return [(uid, context) for uid in _dealer_member_ids(p["dealer_id"])]


def render_commission_statement(c: Context) -> Rendered:
    total = money(c["total"], c["currency"])
    return Rendered(
        f"Week {c['week']}: {c['deals']} deal(s) with commissions pending, {total} in total.",
        f"Pending commissions, week {c['week']}",
    )


# --- payments: staff alerts and buyer reminders ---------------------------------------------------

# Alerts for the payments staff. Until a staff member reads one, it counts as open (payments metrics).
PAYMENT_STAFF_ALERTS = (
    "dispute_opened",
    "dispute_closed",
    "fx_stale",
    "failure_rate",
    "refund_exceeds_capture",
    "reservation_refund_failed",
    "reservation_refund_payout",
)
PAYMENT_BUYER_NOTICES = ("invoice_overdue",)


def _staff_ids() -> list[int]:
    """Active staff, and the user behind PAYMENTS_STAFF_EMAIL (the payments desk) if there is one."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    wanted = Q(is_staff=True)
    if settings.PAYMENTS_STAFF_EMAIL:
        wanted |= Q(email__iexact=settings.PAYMENTS_STAFF_EMAIL)
    return list(get_user_model().objects.filter(wanted, is_active=True).values_list("id", flat=True))


def _payment_context(event) -> Context:
    p = event.payload
    return {key: p.get(key) for key in ("subject", "body", "payment_id", "invoice_id")}


def resolve_payment_staff_alert(event) -> Recipients:
    context = {**_payment_context(event), "role": "staff"}
    return [(uid, context) for uid in (event.recipients or _staff_ids())]


def resolve_payment_buyer_notice(event) -> Recipients:
    return _explicit(event, _payment_context(event))  # the emitter names the buyer


def render_payment_notice(c: Context) -> Rendered:
    summary = f"{c['subject']}: {c['body']}" if c.get("body") else c["subject"]
    return Rendered(summary, c["subject"][:200])


# --- inquiries: a buyer's question, a dealer's answer ---------------------------------------------


def resolve_inquiry_message(event) -> Recipients:
    """A delivered message: the dealer's members hear of a buyer's, the buyer of a dealer's answer.
    Held messages (a guest who has not confirmed) reach nobody."""
    from inquiries.models import InquiryMessage

    message = (
        InquiryMessage.objects.select_related("inquiry__buyer", "inquiry__vehicle", "inquiry__dealer")
        .filter(pk=event.payload["message_id"], held=False)
        .first()
    )
    if message is None:
        return []
    inquiry = message.inquiry
    context: Context = {
        "inquiry_id": inquiry.pk,
        "dealer_id": inquiry.dealer_id,
        "vehicle_id": inquiry.vehicle_id,
        "vehicle": vehicle_title(inquiry.vehicle),
        "buyer_name": inquiry.buyer.full_name,
        "dealer_name": inquiry.dealer.name,
    }
    if message.from_dealer:
        return [(inquiry.buyer.user_id, {**context, "role": "buyer"})]
    return [(uid, {**context, "role": "dealer"}) for uid in _dealer_member_ids(inquiry.dealer_id)]


def render_inquiry_message(c: Context) -> Rendered:
    # The message itself stays on the platform: what is relayed by WhatsApp and e-mail is who wrote
    # about what and where to read it, never a stranger's text (or links) in our name.
    site = settings.NOTIFICATIONS_SITE_URL
    if c.get("role") == "dealer":
        link = f"{site}/dealer/{c['dealer_id']}/inbox/{c['inquiry_id']}"
        return Rendered(
            f"New message from {c['buyer_name']} about the {c['vehicle']}. Read and answer: {link}",
            f"New message about the {c['vehicle']}",
            "inquiry_received",
            (c["buyer_name"], c["vehicle"], link),
        )
    link = f"{site}/accounts/inquiries/{c['inquiry_id']}/"
    return Rendered(
        f"{c['dealer_name']} answered about the {c['vehicle']}. Read it: {link}",
        f"{c['dealer_name']} answered you",
        "inquiry_answered",
        (c["dealer_name"], c["vehicle"], link),
    )


# --- anything else: the emitter gives the recipients and the words ---------------------------------


def resolve_generic(event) -> Recipients:
    return _explicit(event, dict(event.payload))


def render_generic(c: Context) -> Rendered:
    summary = c.get("summary") or c.get("body") or "You have an update on Nzila."
    return Rendered(summary, c.get("subject") or summary[:80], c.get("template", ""), tuple(c.get("params", ())))


KINDS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        EventKind("deal_created", resolve_deal_created, render_deal_created),
        EventKind("payment_received", resolve_payment_received, render_payment_received),
        EventKind("payment_failed", resolve_payment_failed, render_payment_failed),
        EventKind("shipment_status_changed", resolve_shipment_status_changed, render_shipment_status_changed),
        EventKind("shipment_delayed", resolve_shipment_delayed, render_shipment_delayed),
        EventKind("deal_stalled", resolve_deal_stalled, render_deal_stalled),
        EventKind("price_drop", resolve_price_drop, render_price_drop),
        EventKind("saved_search_match", resolve_saved_search_match, render_saved_search_match),
        EventKind("commission_statement", resolve_commission_statement, render_commission_statement),
        EventKind("inquiry_message", resolve_inquiry_message, render_inquiry_message),
        *(EventKind(name, resolve_reservation_notice, render_reservation_notice) for name in RESERVATION_NOTICES),
        *(EventKind(name, resolve_payment_staff_alert, render_payment_notice) for name in PAYMENT_STAFF_ALERTS),
        *(EventKind(name, resolve_payment_buyer_notice, render_payment_notice) for name in PAYMENT_BUYER_NOTICES),
    )
}
GENERIC = EventKind("generic", resolve_generic, render_generic)


def kind_of(event_type: str) -> EventKind:
    return KINDS.get(event_type, GENERIC)
