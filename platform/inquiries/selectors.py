"""Reading inquiries for the pages: a dealer's inbox (unanswered first, oldest wait first), a buyer's
threads, one thread for each side (anybody else: DoesNotExist), a dealer's response time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from .models import Inquiry, InquiryMessage

INBOX_LIMIT = 100
EXCERPT = 140


def _last_message(*, delivered_only: bool):
    last = InquiryMessage.objects.filter(inquiry=OuterRef("pk"))
    if delivered_only:
        last = last.filter(held=False)
    return Subquery(last.order_by("-created_at", "-pk").values("body")[:1])


def dealer_inbox(dealer_id: int, *, limit: int = INBOX_LIMIT) -> list[Inquiry]:
    """Delivered threads: those awaiting an answer first (longest wait first), then the latest."""
    return list(
        Inquiry.objects.filter(dealer_id=dealer_id, delivered_at__isnull=False)
        .select_related("buyer", "vehicle", "lead")
        .annotate(last_body=_last_message(delivered_only=True))
        .order_by(F("awaiting_since").asc(nulls_last=True), "-last_message_at", "-pk")[:limit]
    )


def dealer_unanswered(dealer_id: int) -> int:
    return Inquiry.objects.filter(dealer_id=dealer_id, awaiting_since__isnull=False).count()


def buyer_inquiries(user_id: int) -> list[Inquiry]:
    return list(
        Inquiry.objects.filter(buyer__user_id=user_id)
        .select_related("vehicle", "dealer")
        .annotate(last_body=_last_message(delivered_only=False))
        .order_by("-last_message_at", "-pk")
    )


def buyer_unread(user_id: int) -> int:
    """Threads with a dealer message the buyer has not opened since."""
    return (
        Inquiry.objects.filter(buyer__user_id=user_id, first_response_at__isnull=False)
        .filter(Q(buyer_read_at__isnull=True) | Q(buyer_read_at__lt=F("last_message_at")))
        .count()
    )


def inquiry_for_dealer(dealer_id: int, inquiry_id: int) -> Inquiry:
    return Inquiry.objects.select_related("buyer__user", "vehicle", "lead").get(
        pk=inquiry_id, dealer_id=dealer_id, delivered_at__isnull=False
    )


def inquiry_for_buyer(user_id: int, inquiry_id: int) -> Inquiry:
    return Inquiry.objects.select_related("vehicle", "dealer").get(pk=inquiry_id, buyer__user_id=user_id)


def buyer_inquiry_about(user_id: int, vehicle_id: int) -> Inquiry | None:
    return Inquiry.objects.filter(buyer__user_id=user_id, vehicle_id=vehicle_id).first()


def thread_messages(inquiry: Inquiry, *, side: str) -> list[InquiryMessage]:
    """The dealer never sees held messages; the buyer sees their own, marked as waiting."""
    messages = inquiry.messages.all()
    if side == "dealer":
        messages = messages.filter(held=False)
    return list(messages)


@dataclass(frozen=True)
class ResponseTime:
    median_hours: float
    answered: int
    # Share of the threads delivered over the window (and at least a day old) answered within 24 hours.
    within_day: float | None


RESPONSE_WINDOW_DAYS = 90
RESPONSE_MIN_ANSWERED = 3


def dealer_response_time(dealer_id: int, *, now: datetime | None = None) -> ResponseTime | None:
    """How fast this dealer answers, over the last 90 days; None with fewer than three answers (too few to say)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT percentile_cont(0.5) WITHIN GROUP (
                        ORDER BY EXTRACT(EPOCH FROM (first_response_at - delivered_at)) / 3600)
                        FILTER (WHERE first_response_at IS NOT NULL),
                      COUNT(first_response_at),
                      AVG((first_response_at IS NOT NULL AND first_response_at < delivered_at + interval '1 day')::int)
                        FILTER (WHERE delivered_at < %(now)s - interval '1 day')
                 FROM inquiries_inquiry
                WHERE dealer_id = %(dealer)s AND delivered_at >= %(since)s AND delivered_at < %(now)s""",
            {"dealer": dealer_id, "since": now - timedelta(days=RESPONSE_WINDOW_DAYS), "now": now},
        )
        median, answered, within_day = cursor.fetchone()
    if not answered or answered < RESPONSE_MIN_ANSWERED:
        return None
    return ResponseTime(float(median), int(answered), None if within_day is None else float(within_day))


@dataclass(frozen=True)
class Attention:
    inquiry: Inquiry
    # "unanswered": the dealer has not answered for a day; "unread": the buyer has not opened the answer.
    reason: str
    since: datetime


def broker_attention(broker_id: int, *, now: datetime | None = None, limit: int = 50) -> list[Attention]:
    """The broker's buyers' threads that need a nudge: the dealer silent for a day, or an answer the
    buyer has not read for a day. Who and what, never the messages (they are the buyer's and the dealer's)."""
    now = now or timezone.now()
    day = now - timedelta(days=1)
    threads = Inquiry.objects.filter(broker_id=broker_id, delivered_at__isnull=False).select_related(
        "buyer", "vehicle", "dealer"
    )
    out = [Attention(t, "unanswered", t.awaiting_since) for t in threads.filter(awaiting_since__lt=day)[:limit]]
    unread = threads.filter(
        awaiting_since__isnull=True, first_response_at__isnull=False, last_message_at__lt=day
    ).filter(Q(buyer_read_at__isnull=True) | Q(buyer_read_at__lt=F("last_message_at")))
    out += [Attention(t, "unread", t.last_message_at) for t in unread[:limit]]
    return sorted(out, key=lambda a: a.since)[:limit]
