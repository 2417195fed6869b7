"""Dealer reviews: written by the buyer of a delivered deal (once per deal), published or rejected by
staff, answered once by the dealer. The dealer's rating is the mean of its published reviews' stars,
written to `catalog.Dealer.rating` by a plain UPDATE: the dealer trigger (indexers/migrations/0002)
re-stamps its vehicles, so search filters and "Recommended" follow within the sync's lag."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone

from catalog.models import Dealer
from nzila.text_input import unstorable_character

from .models import Deal, DealerReview

MAX_TEXT = 2000
Status = DealerReview.Status


class ReviewRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def reviewable_deals(buyer):
    """The buyer's delivered deals not reviewed yet."""
    return (
        Deal.objects.filter(buyer=buyer, stage=Deal.Stage.DELIVERED, review__isnull=True)
        .select_related("vehicle__dealer")
        .order_by("-stage_changed_at")
    )


def _clean(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewRefused(field, "write a few words")
    if len(text) > MAX_TEXT:
        raise ReviewRefused(field, f"at most {MAX_TEXT} characters")
    if unstorable_character(text) is not None:
        raise ReviewRefused(field, "contains characters that cannot be stored")
    return text


def write_review(*, buyer, deal_id: int, stars: int, text: str) -> DealerReview:
    """The buyer's review of the dealer of a delivered deal of theirs; waits for moderation."""
    deal = Deal.objects.filter(pk=deal_id, buyer=buyer).select_related("vehicle").first()
    if deal is None:
        raise ReviewRefused("deal", "no such deal of yours")
    if deal.stage != Deal.Stage.DELIVERED:
        raise ReviewRefused("deal", "only a delivered deal can be reviewed")
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ReviewRefused("stars", "from 1 to 5")
    text = _clean(text, "text")
    try:
        with transaction.atomic():
            return DealerReview.objects.create(
                deal=deal, dealer_id=deal.vehicle.dealer_id, buyer=buyer, stars=stars, text=text
            )
    except IntegrityError:
        raise ReviewRefused("deal", "this deal is already reviewed") from None


def moderate(review_id: int, *, staff_user, publish: bool, note: str = "") -> DealerReview:
    """Publish or reject a review (staff); the dealer's rating follows its published reviews."""
    with transaction.atomic():
        review = DealerReview.objects.select_for_update().get(pk=review_id)
        review.status = Status.PUBLISHED if publish else Status.REJECTED
        review.moderated_at, review.moderated_by, review.moderation_note = timezone.now(), staff_user, note[:255]
        review.save(update_fields=["status", "moderated_at", "moderated_by", "moderation_note"])
        refresh_rating(review.dealer_id)
    return review


def answer_review(review_id: int, *, dealer_id: int, user, text: str) -> DealerReview:
    """The dealer's one public answer to a published review."""
    text = _clean(text, "answer")
    with transaction.atomic():
        review = DealerReview.objects.select_for_update().filter(pk=review_id, dealer_id=dealer_id).first()
        if review is None or review.status != Status.PUBLISHED:
            raise ReviewRefused("review", "no such published review")
        if review.answer:
            raise ReviewRefused("answer", "this review is already answered")
        review.answer, review.answered_at, review.answered_by = text, timezone.now(), user
        review.save(update_fields=["answer", "answered_at", "answered_by"])
    return review


def refresh_rating(dealer_id: int) -> Decimal | None:
    """Dealer.rating := the mean of its published reviews (two decimals). A dealer without published
    reviews keeps the figure it had (the demo data's), which the dealer page says is unreviewed."""
    mean = DealerReview.objects.filter(dealer_id=dealer_id, status=Status.PUBLISHED).aggregate(m=Avg("stars"))["m"]
    if mean is None:
        return None
    rating = Decimal(str(mean)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    Dealer.objects.filter(pk=dealer_id).exclude(rating=rating).update(rating=rating)
    return rating


def published_reviews(dealer_id: int, *, limit: int = 50):
    return (
        DealerReview.objects.filter(dealer_id=dealer_id, status=Status.PUBLISHED)
        .select_related("buyer", "deal__vehicle")
        .order_by("-created_at")[:limit]
    )


def review_summary(dealer_id: int) -> dict:
    published = DealerReview.objects.filter(dealer_id=dealer_id, status=Status.PUBLISHED)
    stats = published.aggregate(mean=Avg("stars"))
    return {"count": published.count(), "mean": stats["mean"]}
