"""The notification event catalogue: for each event type, who hears of it and what the message says.

A resolver re-reads the rows (the event only names them) and returns (user id, context) pairs; a
renderer turns one context into a summary line, an e-mail subject and, where WhatsApp has an approved
template for it, that template and its parameters, in the active language (the recipient's: callers
render inside `translation.override`). Contexts hold values, never words, so any language can render them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

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
    words = {"deal": c["deal_id"], "buyer": c["buyer_name"], "vehicle": c["vehicle"], "price": price}
    if c.get("role") == "dealer":
        return Rendered(
            _("New deal #%(deal)s: %(buyer)s for the %(vehicle)s at %(price)s.") % words,
            _("New deal #%(deal)s: %(vehicle)s") % words,
        )
    return Rendered(
        _("Deal #%(deal)s confirmed: %(vehicle)s at %(price)s.") % words,
        _("Your deal #%(deal)s is confirmed") % words,
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
    words = {
        "deposit": money(c["deposit"], c["currency"]),
        "vehicle": c["vehicle"],
        "buyer": c.get("buyer_name", ""),
        "dealer": c.get("dealer_name", ""),
        "respond_by": c["respond_by"],
    }
    if c.get("role") == "dealer":
        words["link"] = f"{site}/dealer/{c['dealer_id']}/reservations/"
        return Rendered(
            _(
                "%(buyer)s paid a deposit of %(deposit)s to reserve the %(vehicle)s. "
                "Accept or decline by %(respond_by)s: %(link)s"
            )
            % words,
            _("Reservation: %(vehicle)s") % words,
        )
    words["link"] = f"{site}/accounts/reservations/"
    return Rendered(
        _(
            "Your deposit of %(deposit)s reserves the %(vehicle)s. %(dealer)s answers by %(respond_by)s; "
            "if they decline or do not answer, the deposit is refunded. %(link)s"
        )
        % words,
        _("The %(vehicle)s is reserved for you") % words,
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
    words = {
        "vehicle": c["vehicle"],
        "deposit": money(c["deposit"], c["currency"]),
        "buyer": c.get("buyer_name", ""),
        "dealer": c.get("dealer_name", ""),
    }
    if c.get("role") == "dealer":
        return Rendered(
            _(
                "The reservation of the %(vehicle)s by %(buyer)s expired unanswered; the deposit is refunded "
                "and the car is on sale again."
            )
            % words,
            _("Reservation expired: %(vehicle)s") % words,
        )
    said = {
        "reservation_accepted": (
            _("%(dealer)s accepted your reservation of the %(vehicle)s. The balance is now due."),
            _("Reservation accepted: %(vehicle)s"),
        ),
        "reservation_declined": (
            _("%(dealer)s declined your reservation of the %(vehicle)s. Your deposit of %(deposit)s is refunded."),
            _("Reservation declined: %(vehicle)s"),
        ),
        "reservation_expired": (
            _("%(dealer)s did not answer in time about the %(vehicle)s. Your deposit of %(deposit)s is refunded."),
            _("Reservation expired: %(vehicle)s"),
        ),
        "reservation_lost": (
            _("Your deposit for the %(vehicle)s arrived after another buyer reserved it. It is refunded in full."),
            _("Your deposit for the %(vehicle)s is refunded"),
        ),
    }
    summary, subject = said[c["event"]]
    return Rendered(f"{summary % words} {settings.NOTIFICATIONS_SITE_URL}/accounts/reservations/", subject % words)


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
    words = {"amount": money(c["amount"], c["currency"]), "vehicle": c.get("vehicle"), "deal": c.get("deal_id")}
    subject = _("Payment received: %(amount)s") % words
    if c.get("role") == "dealer":
        said = (
            _("Payment of %(amount)s received for the %(vehicle)s (deal #%(deal)s).")
            if words["vehicle"]
            else _("Payment of %(amount)s received (deal #%(deal)s).")
        )
        return Rendered(said % words, subject)
    said = (
        _("We received your payment of %(amount)s for the %(vehicle)s. Thank you.")
        if words["vehicle"]
        else _("We received your payment of %(amount)s. Thank you.")
    )
    return Rendered(
        said % words,
        subject,
        "payment_received",
        (words["amount"], c.get("vehicle") or c.get("reference") or _("your order")),
    )


def resolve_payment_failed(event) -> Recipients:
    keys = ("amount", "currency", "reference", "payment_id", "failure_code")
    return _explicit(event, {key: event.payload.get(key) for key in keys})  # the emitter names the buyer


def render_payment_failed(c: Context) -> Rendered:
    words = {"amount": money(c["amount"], c["currency"]), "reference": c.get("reference")}
    said = (
        _("Your payment of %(amount)s (%(reference)s) did not go through.")
        if words["reference"]
        else _("Your payment of %(amount)s did not go through.")
    )
    why = buyer_reason(c.get("failure_code") or "")
    return Rendered(f"{said % words} {why}".strip(), _("Payment not made: %(amount)s") % words)


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


def _shipment_status(c: Context) -> str:
    from sales.models import Shipment

    return str(Shipment.Status(c["status"]).label)


def render_shipment_status_changed(c: Context) -> Rendered:
    words = {"vehicle": c["vehicle"], "status": _shipment_status(c), "eta": c["eta"] or _("to be confirmed")}
    return Rendered(
        _("Shipment of your %(vehicle)s: %(status)s (ETA %(eta)s).") % words,
        _("Shipment update: %(status)s") % words,
        "shipment_update",
        (words["vehicle"], words["status"], words["eta"]),
    )


def resolve_shipment_delayed(event) -> Recipients:
    shipment = _load_shipment(event.payload["shipment_id"])
    if shipment is None or shipment.status == "delivered":
        return []
    return [(shipment.deal.buyer.user_id, {**_shipment_context(shipment), "role": "buyer"})]


def render_shipment_delayed(c: Context) -> Rendered:
    words = {"vehicle": c["vehicle"], "port": c["destination_port"], "eta": c["eta"] or _("to be confirmed")}
    return Rendered(
        _("Your %(vehicle)s has not reached %(port)s by its ETA (%(eta)s). We are following up with the carrier.")
        % words,
        _("Your shipment is delayed"),
        "shipment_update",
        (words["vehicle"], _("delayed"), words["eta"]),
    )


# --- stalled deals --------------------------------------------------------------------------------


def resolve_deal_stalled(event) -> Recipients:
    deal = _load_deal(event.payload["deal_id"])
    if deal is None or deal.stage != event.payload.get("stage", deal.stage):
        return []  # it moved on since the follow-up was decided
    context = {**_deal_context(deal), "days": event.payload.get("days")}
    return _deal_parties(deal, context)


def render_deal_stalled(c: Context) -> Rendered:
    from sales.models import Deal

    words = {
        "deal": c["deal_id"],
        "vehicle": c["vehicle"],
        "buyer": c.get("buyer_name", ""),
        "stage": str(Deal.Stage(c["stage"]).label),
        "days": c["days"],
    }
    if c.get("role") == "dealer":
        return Rendered(
            _("Deal #%(deal)s (%(vehicle)s, %(buyer)s) has not moved for %(days)s days (%(stage)s). Time to follow up?")
            % words,
            _("Deal #%(deal)s needs a follow-up") % words,
        )
    return Rendered(
        _(
            "Your deal #%(deal)s for the %(vehicle)s has not moved for %(days)s days (%(stage)s). "
            "Reply here if you need help with the next step."
        )
        % words,
        _("Your deal #%(deal)s: next steps") % words,
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
    words = {
        "vehicle": c["vehicle"],
        "new": money(c["new_price"], c["currency"]),
        "old": money(c["old_price"], c["currency"]),
    }
    if c.get("target_price"):
        words["target"] = money(c["target_price"], c["currency"])
        return Rendered(
            _("The %(vehicle)s you watch is now %(new)s (was %(old)s), at or below your target of %(target)s.") % words,
            _("Price target reached: %(vehicle)s") % words,
        )
    return Rendered(
        _("Price drop: the %(vehicle)s is now %(new)s (was %(old)s).") % words, _("Price drop: %(vehicle)s") % words
    )


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
    words = {"search": c["saved_search"], "vehicle": c["vehicle"], "price": money(c["price"], c["currency"])}
    return Rendered(
        _('New match for "%(search)s": %(vehicle)s at %(price)s.') % words,
        _('New match for your search "%(search)s"') % words,
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
    words = {"week": c["week"], "deals": c["deals"], "total": money(c["total"], c["currency"])}
    return Rendered(
        _("Week %(week)s: %(deals)s deal(s) with commissions pending, %(total)s in total.") % words,
        _("Pending commissions, week %(week)s") % words,
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
    words = {"vehicle": c["vehicle"], "buyer": c.get("buyer_name", ""), "dealer": c.get("dealer_name", "")}
    if c.get("role") == "dealer":
        words["link"] = f"{site}/dealer/{c['dealer_id']}/inbox/{c['inquiry_id']}"
        return Rendered(
            _("New message from %(buyer)s about the %(vehicle)s. Read and answer: %(link)s") % words,
            _("New message about the %(vehicle)s") % words,
            "inquiry_received",
            (words["buyer"], words["vehicle"], words["link"]),
        )
    words["link"] = f"{site}/accounts/inquiries/{c['inquiry_id']}/"
    return Rendered(
        _("%(dealer)s answered about the %(vehicle)s. Read it: %(link)s") % words,
        _("%(dealer)s answered you") % words,
        "inquiry_answered",
        (words["dealer"], words["vehicle"], words["link"]),
    )


# --- anything else: the emitter gives the recipients and the words ---------------------------------


def resolve_generic(event) -> Recipients:
    return _explicit(event, dict(event.payload))


def render_generic(c: Context) -> Rendered:
    summary = c.get("summary") or c.get("body") or _("You have an update on Nzila.")
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
