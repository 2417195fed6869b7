"""A dealer's public page (/dealers/<id>/<slug>/): who the dealer is, its verification, its rating and
the published reviews behind it (with the dealer's answers), how fast it answers when that is known,
and its inventory through the search page itself (same selector, facets, chips and "load more"),
narrowed to this dealer without putting the dealer in the URL or the chips."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify

from catalog.models import Dealer
from inquiries.selectors import dealer_response_time
from sales.reviews import published_reviews, review_summary

from .views import search_response


def dealer_slug(dealer: Dealer) -> str:
    return slugify(dealer.name) or "dealer"


def dealer_page(request, dealer_id: int, slug: str = ""):
    dealer = Dealer.objects.filter(pk=dealer_id).first()
    if dealer is None:
        raise Http404("No dealer with this id.")
    if slug != dealer_slug(dealer):
        target = reverse("web:dealer", kwargs={"dealer_id": dealer.pk, "slug": dealer_slug(dealer)})
        query = request.GET.urlencode()
        return redirect(f"{target}?{query}" if query else target, permanent=True)
    path = reverse("web:dealer", kwargs={"dealer_id": dealer.pk, "slug": dealer_slug(dealer)})
    return search_response(
        request,
        template="web/dealer.html",
        within={"dealer": [str(dealer.pk)]},
        context={
            "dealer": dealer,
            "search_action": path,
            "reviews": published_reviews(dealer.pk),
            "review_summary": review_summary(dealer.pk),
            "response_time": dealer_response_time(dealer.pk),
        },
    )
