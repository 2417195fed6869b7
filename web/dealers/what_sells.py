"""The console's "what sells" panel: the dealer's listings and models against the market over a
period (sales.listing_activity computes it in Postgres)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sales.listing_activity import PERIODS, what_sells

from .access import dealer_console


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(str(days), str(days)) for days in sorted(PERIODS)],
        required=False,
        error_messages={"invalid_choice": _("Choose 7, 30 or 90 days.")},
    )


@dealer_console
@require_GET
def what_sells_page(request, dealer):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        error = f"days: {form.errors['days'][0]}"
        context = {"dealer": dealer, "error": error, "periods": sorted(PERIODS), "days": PERIODS[0]}
        return render(request, "dealers/what_sells.html", context, status=400)
    days = form.cleaned_data["days"] or PERIODS[0]
    panel = what_sells(dealer_id=dealer.pk, days=days)
    return render(
        request,
        "dealers/what_sells.html",
        {"dealer": dealer, "panel": panel, "periods": sorted(PERIODS), "days": days},
    )
