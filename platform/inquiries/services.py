"""Writing inquiries: a buyer asks (signed in, or a guest whose messages wait for their code), a
dealer's member answers, a dealer blocks a sender. Every message that reaches someone is an outbox
event written in the same transaction (`inquiry_message`: notifications.event_catalog decides who
hears of it), and the first message that reaches the dealer makes the thread's lead."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from buyers.models import Buyer
from catalog.models import Dealer, Vehicle
from notifications import confirmations
from notifications.events import emit
from notifications.models import Channel, ContactConfirmation
from notifications.phones import InvalidPhone, normalise_phone
from sales.models import Lead

from .limits import InquiryRefused, check_buyer_message, check_dealer_message, clean_body
from .models import Block, Inquiry, InquiryMessage, Referral

# Guest accounts: made for a phone or an e-mail proven by a code; no password, never a real account's.
GUEST_PREFIX = "guest-"
UNKNOWN_COUNTRY = "ZZ"  # CLDR's "unknown region": a guest who gave an e-mail address
EVENT = "inquiry_message"


@dataclass(frozen=True)
class Sent:
    inquiry: Inquiry
    message: InquiryMessage
    # False when the same form was sent twice: the first message is returned, nothing new written.
    created: bool


def is_guest(user) -> bool:
    return user.username.startswith(GUEST_PREFIX) and not user.has_usable_password()


def buyer_for(user) -> Buyer:
    """The user's buyer profile; accounts made without one (a dealer's member asking another dealer) get one."""
    buyer = Buyer.objects.filter(user=user).first()
    if buyer is None:
        buyer = Buyer.objects.create(
            user=user, full_name=(user.get_full_name() or user.get_username())[:200], country=UNKNOWN_COUNTRY
        )
    return buyer


def _is_member(dealer_id: int, user_id: int) -> bool:
    return Dealer.members.through.objects.filter(dealer_id=dealer_id, user_id=user_id).exists()


def _blocked(dealer_id: int, buyer: Buyer) -> bool:
    contacts = [c for c in (buyer.phone_e164, (buyer.user.email or "").lower()) if c]
    blocks = Block.objects.filter(dealer_id=dealer_id)
    return blocks.filter(user_id=buyer.user_id).exists() or bool(
        contacts and blocks.filter(contact__in=contacts).exists()
    )


def ask(
    *,
    buyer: Buyer,
    vehicle_id: int,
    body: str,
    client_key: uuid.UUID,
    broker_id: int | None = None,
    held: bool = False,
    now: datetime | None = None,
) -> Sent:
    """A buyer's message about a vehicle: starts their thread with its dealer, or continues it.

    `held`: a guest's message, kept until the guest's code comes back (`release_held`). Raises
    InquiryRefused (limits, a block, the buyer's own dealer) and Vehicle.DoesNotExist."""
    body = clean_body(body)
    now = now or timezone.now()
    with transaction.atomic():
        vehicle = Vehicle.objects.select_related("dealer").get(pk=vehicle_id)
        if _is_member(vehicle.dealer_id, buyer.user_id):
            raise InquiryRefused("own_dealer")
        if _blocked(vehicle.dealer_id, buyer):
            raise InquiryRefused("blocked")
        if broker_id is None:
            broker_id = Referral.objects.filter(buyer=buyer).values_list("broker_id", flat=True).first()
        inquiry, created = Inquiry.objects.get_or_create(
            buyer=buyer, vehicle=vehicle, defaults={"dealer_id": vehicle.dealer_id, "broker_id": broker_id}
        )
        if created and vehicle.status not in settings.SEARCHABLE_STATUSES:
            raise InquiryRefused("unavailable")
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)  # one writer per thread at a time
        again = inquiry.messages.filter(client_key=client_key).first()
        if again is not None:
            return Sent(inquiry, again, False)
        check_buyer_message(user_id=buyer.user_id, inquiry=inquiry, body=body, new_thread=created, now=now)
        message = InquiryMessage.objects.create(
            inquiry=inquiry, author_id=buyer.user_id, from_dealer=False, body=body, held=held, client_key=client_key
        )
        inquiry.last_message_at = now
        inquiry.buyer_read_at = now
        inquiry.save(update_fields=["last_message_at", "buyer_read_at"])
        if not held:
            _deliver(inquiry, [message], now)
    return Sent(inquiry, message, True)


def _deliver(inquiry: Inquiry, messages: list[InquiryMessage], now: datetime) -> None:
    """Buyer messages reach the dealer: the thread awaits an answer, the lead is made or updated, and
    each message is an outbox event (in this transaction: a rollback tells nobody)."""
    fields = ["awaiting_since", "delivered_at", "lead"]
    inquiry.delivered_at = inquiry.delivered_at or now
    inquiry.awaiting_since = inquiry.awaiting_since or now
    if inquiry.lead_id is None:
        inquiry.lead = Lead.objects.create(
            buyer_id=inquiry.buyer_id,
            vehicle_id=inquiry.vehicle_id,
            dealer_id=inquiry.dealer_id,
            source=Lead.Source.BROKER if inquiry.broker_id else Lead.Source.WEBSITE,
            broker_id=inquiry.broker_id,
            last_contact_at=now,
        )
    else:
        lead = inquiry.lead
        lead.last_contact_at = now
        lead.save(update_fields=["last_contact_at"])  # saved through the ORM: rescored after commit
    inquiry.save(update_fields=fields)
    for message in messages:
        emit(EVENT, {"message_id": message.pk, "inquiry_id": inquiry.pk})


def reply(*, inquiry_id: int, dealer_id: int, author, body: str, client_key: uuid.UUID, now=None) -> Sent:
    """A dealer's member answers a delivered thread of their dealer (Inquiry.DoesNotExist otherwise)."""
    body = clean_body(body)
    check_dealer_message(body)
    now = now or timezone.now()
    with transaction.atomic():
        if not _is_member(dealer_id, author.pk):
            raise Inquiry.DoesNotExist
        inquiry = (
            Inquiry.objects.select_for_update(of=("self",))
            .select_related("lead")
            .get(pk=inquiry_id, dealer_id=dealer_id, delivered_at__isnull=False)
        )
        again = inquiry.messages.filter(client_key=client_key).first()
        if again is not None:
            return Sent(inquiry, again, False)
        message = InquiryMessage.objects.create(
            inquiry=inquiry, author=author, from_dealer=True, body=body, client_key=client_key
        )
        inquiry.first_response_at = inquiry.first_response_at or now
        inquiry.awaiting_since = None
        inquiry.last_message_at = inquiry.dealer_read_at = now
        inquiry.save(update_fields=["first_response_at", "awaiting_since", "last_message_at", "dealer_read_at"])
        if inquiry.lead is not None:
            lead = inquiry.lead
            lead.last_contact_at = now
            if lead.status == Lead.Status.NEW:
                lead.status = Lead.Status.CONTACTED
            lead.save(update_fields=["last_contact_at", "status"])
        emit(EVENT, {"message_id": message.pk, "inquiry_id": inquiry.pk})
    return Sent(inquiry, message, True)


def mark_read(inquiry: Inquiry, *, side: str) -> None:
    field = "dealer_read_at" if side == "dealer" else "buyer_read_at"
    Inquiry.objects.filter(pk=inquiry.pk).update(**{field: timezone.now()})


# --- guests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestContact:
    channel: str  # whatsapp or email
    address: str  # E.164 or lower-cased e-mail
    country: str


def read_contact(raw: str) -> GuestContact:
    """'+254 712 345678' or 'amina@example.com' → the address a code can be sent to (ValueError otherwise)."""
    raw = (raw or "").strip()
    if "@" in raw:
        from django.core.validators import validate_email

        validate_email(raw)
        return GuestContact(Channel.EMAIL, raw.lower(), UNKNOWN_COUNTRY)
    try:
        e164 = normalise_phone(raw)
    except InvalidPhone as exc:
        raise ValueError(str(exc)) from None
    region = phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or UNKNOWN_COUNTRY
    return GuestContact(Channel.WHATSAPP, e164, region)


def guest_buyer(*, name: str, contact: GuestContact) -> Buyer:
    """The guest account of this phone or e-mail (made once; only guest accounts are ever reused)."""
    User = get_user_model()
    found = Buyer.objects.select_related("user").filter(
        user__username__startswith=GUEST_PREFIX, user__password__startswith="!"
    )
    found = (
        found.filter(phone_e164=contact.address)
        if contact.channel == Channel.WHATSAPP
        else found.filter(user__email=contact.address)
    )
    buyer = found.order_by("pk").first()
    if buyer is not None:
        return buyer
    with transaction.atomic():
        user = User(
            username=f"{GUEST_PREFIX}{secrets.token_hex(8)}",
            email=contact.address if contact.channel == Channel.EMAIL else "",
        )
        user.set_unusable_password()
        user.save()
        return Buyer.objects.create(
            user=user,
            full_name=(name.strip() or "Guest")[:200],
            country=contact.country,
            phone_e164=contact.address if contact.channel == Channel.WHATSAPP else "",
        )


def send_guest_code(buyer: Buyer, contact: GuestContact) -> ContactConfirmation:
    return confirmations.send_code(
        purpose=ContactConfirmation.Purpose.GUEST_INQUIRY,
        channel=contact.channel,
        address=contact.address,
        subject_id=buyer.user_id,
        user_id=buyer.user_id,
    )


def confirm_guest(*, user_id: int, message_ids: list[int], code: str) -> confirmations.CheckResult:
    """The guest typed their code: right, the messages this guest's session wrote are delivered.

    Only those ids (kept in the session that wrote them): held messages somebody else left under the
    same phone or e-mail are never sent in the guest's name."""
    result = confirmations.check_code(purpose=ContactConfirmation.Purpose.GUEST_INQUIRY, subject_id=user_id, code=code)
    if result.ok:
        release_held(user_id=user_id, message_ids=message_ids)
    return result


def release_held(*, user_id: int, message_ids: list[int]) -> int:
    now = timezone.now()
    with transaction.atomic():
        held = list(
            InquiryMessage.objects.select_for_update()
            .filter(pk__in=message_ids, author_id=user_id, held=True)
            .order_by("created_at", "pk")
        )
        by_thread: dict[int, list[InquiryMessage]] = {}
        for message in held:
            by_thread.setdefault(message.inquiry_id, []).append(message)
        InquiryMessage.objects.filter(pk__in=[m.pk for m in held]).update(held=False)
        for inquiry in Inquiry.objects.select_for_update(of=("self",)).select_related("lead").filter(pk__in=by_thread):
            _deliver(inquiry, by_thread[inquiry.pk], now)
    return len(held)


# --- blocks and referrals -------------------------------------------------------------------------


def block_sender(*, inquiry: Inquiry, by) -> Block:
    buyer = inquiry.buyer
    contact = (buyer.phone_e164 or buyer.user.email.lower()) if is_guest(buyer.user) else ""
    block, _ = Block.objects.get_or_create(
        dealer_id=inquiry.dealer_id, user_id=buyer.user_id, defaults={"contact": contact, "blocked_by": by}
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(awaiting_since=None)  # nothing to answer any more
    return block


def unblock_sender(*, inquiry: Inquiry) -> None:
    Block.objects.filter(dealer_id=inquiry.dealer_id, user_id=inquiry.buyer.user_id).delete()


def is_blocked(inquiry: Inquiry) -> bool:
    return _blocked(inquiry.dealer_id, inquiry.buyer)


def refer(*, buyer: Buyer, broker_id: int) -> Referral:
    """The first broker a buyer came through keeps them."""
    referral, _ = Referral.objects.get_or_create(buyer=buyer, defaults={"broker_id": broker_id})
    return referral


def register_for_buyer(
    *, broker, name: str, contact: GuestContact, vehicle_id: int, body: str, client_key: uuid.UUID
) -> Sent:
    """A broker registers a buyer's question on their behalf: the buyer's guest account (by phone or
    e-mail), the referral, and the message, delivered at once (the broker vouches for the buyer, who
    hears of the dealer's answers on that phone or e-mail)."""
    with transaction.atomic():
        buyer = guest_buyer(name=name, contact=contact)
        refer(buyer=buyer, broker_id=broker.pk)
        return ask(buyer=buyer, vehicle_id=vehicle_id, body=body, client_key=client_key, broker_id=broker.pk)


__all__ = ["InquiryRefused", "Sent", "ask", "reply"]
