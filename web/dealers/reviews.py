"""A dealer's reviews in the console (/dealer/<id>/reviews): the published ones, each with its one
public answer or the form to write it. Members only, like the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sales.reviews import ReviewRefused, answer_review, published_reviews, review_summary
from web.dealers.inbox import members_only


@members_only
@require_GET
def reviews(request, dealer):
    return render(
        request,
        "dealers/reviews.html",
        {"dealer": dealer, "reviews": published_reviews(dealer.pk, limit=200), "summary": review_summary(dealer.pk)},
    )


@members_only
@require_POST
def answer(request, dealer, review_id: int):
    try:
        answer_review(review_id, dealer_id=dealer.pk, user=request.user, text=request.POST.get("answer", ""))
    except ReviewRefused as refused:
        messages.error(request, _("The answer was not saved: %(why)s.") % {"why": refused})
    else:
        messages.success(request, _("Your answer is published under the review."))
    return redirect("dealers_console:reviews", dealer_id=dealer.pk)
