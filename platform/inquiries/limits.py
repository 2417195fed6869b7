"""Limits against spam, checked inside the writing transaction (the thread's row is locked, so two
requests at once cannot both slip under a limit). Each refusal names its reason for the page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Inquiry, InquiryMessage

# Anything a phone or a mail client would turn into a link: a scheme, "www.", or a bare domain.
LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:[a-z]{2,24})/\S*|"
    r"\b[a-z0-9-]+\.(?:com|net|org|info|biz|xyz|top|io|co|me|ly|link|click|ru|cn|tk|ml|ga|cf|gq|site|online|shop)\b",
    re.IGNORECASE,
)
# Control characters other than tab and newline (they hide text, break terminals and mail).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

REASONS = {
    "empty": _("Write a message first."),
    "too_long": _("That message is too long. Keep it under %(n)d characters."),
    "links": _("Too many links in one message. Describe what you want instead."),
    "too_many_threads": _("You have asked about many vehicles today. Try again tomorrow."),
    "vehicle_busy": _("This vehicle gets many questions right now. Try again in an hour."),
    "too_many_messages": _("You have sent many messages. Wait for the dealer's answer."),
    "wait_for_answer": _("Wait for the dealer's answer before you write again."),
    "blocked": _("This dealer does not accept your messages."),
    "own_dealer": _("This is your own dealer's vehicle."),
    "unavailable": _("This vehicle is no longer on sale."),
    "not_delivered": _("This conversation has not reached the dealer yet."),
    "too_many_guests": _("Too many questions from this connection. Try again in an hour, or sign in."),
}


class InquiryRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        text = REASONS[self.reason]
        return str(text) % {"n": settings.INQUIRIES_MAX_BODY_CHARS} if self.reason == "too_long" else str(text)


def clean_body(raw: str) -> str:
    """The message as it will be kept: control characters out, line ends unified, trimmed."""
    text = CONTROL.sub("", (raw or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise InquiryRefused("empty")
    if len(text) > settings.INQUIRIES_MAX_BODY_CHARS:
        raise InquiryRefused("too_long")
    return text


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def check_buyer_message(*, user_id: int, inquiry: Inquiry, body: str, new_thread: bool, now: datetime) -> None:
    """Raises InquiryRefused when this buyer's message would be one too many."""
    if count_links(body) > settings.INQUIRIES_MAX_LINKS:
        raise InquiryRefused("links")
    day = now - timedelta(days=1)
    if new_thread:
        started = Inquiry.objects.filter(buyer__user_id=user_id, created_at__gte=day).exclude(pk=inquiry.pk)
        if started.count() >= settings.INQUIRIES_NEW_PER_BUYER_DAY:
            raise InquiryRefused("too_many_threads")
        on_vehicle = Inquiry.objects.filter(vehicle_id=inquiry.vehicle_id, created_at__gte=now - timedelta(hours=1))
        if on_vehicle.exclude(pk=inquiry.pk).count() >= settings.INQUIRIES_NEW_PER_VEHICLE_HOUR:
            raise InquiryRefused("vehicle_busy")
    mine = InquiryMessage.objects.filter(author_id=user_id, from_dealer=False)
    if mine.filter(created_at__gte=now - timedelta(hours=1)).count() >= settings.INQUIRIES_MESSAGES_PER_BUYER_HOUR:
        raise InquiryRefused("too_many_messages")
    if mine.filter(inquiry=inquiry, created_at__gte=day).count() >= settings.INQUIRIES_MESSAGES_PER_THREAD_DAY:
        raise InquiryRefused("too_many_messages")
    last_answer = (
        inquiry.messages.filter(from_dealer=True).order_by("-created_at").values_list("created_at", flat=True).first()
    )
    in_a_row = inquiry.messages.filter(from_dealer=False)
    if last_answer is not None:
        in_a_row = in_a_row.filter(created_at__gt=last_answer)
    if in_a_row.count() >= settings.INQUIRIES_UNANSWERED_IN_A_ROW:
        raise InquiryRefused("wait_for_answer")


def check_dealer_message(body: str) -> None:
    if count_links(body) > settings.INQUIRIES_DEALER_MAX_LINKS:
        raise InquiryRefused("links")
