"""The buyer's reviews (/accounts/reviews/): a form for each delivered deal not reviewed yet, and the
reviews written with what became of them (waiting for moderation, published, not published)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sales.models import DealerReview
from sales.reviews import MAX_TEXT, ReviewRefused, reviewable_deals, write_review


class ReviewForm(forms.Form):
    deal = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    stars = forms.TypedChoiceField(
        label=gettext_lazy("Stars"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your review"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


@login_required
@require_http_methods(["GET", "POST"])
def reviews(request):
    buyer = getattr(request.user, "buyer", None)
    if buyer is None:
        return render(request, "accounts/reviews.html", {"deals": [], "written": []})
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                write_review(
                    buyer=buyer,
                    deal_id=form.cleaned_data["deal"],
                    stars=form.cleaned_data["stars"],
                    text=form.cleaned_data["text"],
                )
            except ReviewRefused as refused:
                messages.error(request, _("Your review was not saved: %(why)s.") % {"why": refused})
                status = 400
            else:
                messages.success(
                    request, _("Thank you. Your review appears on the dealer's page once we have checked it.")
                )
                return redirect("accounts:reviews")
        else:
            messages.error(request, _("Choose the stars and write a few words."))
            status = 400
    deals = list(reviewable_deals(buyer))
    written = DealerReview.objects.filter(buyer=buyer).select_related("dealer", "deal__vehicle").order_by("-created_at")
    return render(
        request, "accounts/reviews.html", {"deals": deals, "written": written, "form": ReviewForm()}, status=status
    )
