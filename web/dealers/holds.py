"""Listings held from buyers' search (an implausible price): why, in the dealer's language, and the one-step fix
"confirm the price". Correcting instead is the ordinary edit page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.models import Vehicle
from pricing.services import PriceChanged
from pricing.services import confirm_price as confirm
from search.dealer_selectors import held_inventory

from .access import dealer_console

# One plain sentence per pricing.ratings.HOLD_REASONS entry (tests/unit/test_market_value.py keeps them in step).
HOLD_REASON_TEXT = {
    "price_far_below": gettext_lazy("The price is far below the market value: a typo, a deposit or a monthly payment?"),
    "price_far_above": gettext_lazy("The price is far above the market value: a typo or the wrong currency?"),
    "body_ruled_out": gettext_lazy("This model is not built with this body type: check the body type."),
    "mileage_impossible": gettext_lazy("The mileage is more than a vehicle of this age can cover: check it."),
}


def held_listings(dealer_id: int) -> list[dict]:
    """The dealer's held listings (search.dealer_selectors.held_inventory), each with its reason in words."""
    return [
        {
            **row,
            "reason_text": HOLD_REASON_TEXT.get(row["reason"], row["reason"]),
            # A price hold is answered "this price is meant"; a data hold "these details are right".
            "about_price": row["reason"].startswith("price_"),
        }
        for row in held_inventory(dealer_id)
    ]


def _next(request, dealer) -> str:
    back = request.POST.get("next", "")
    # Only back to this dealer's own console pages.
    return back if back.startswith(f"/dealer/{dealer.pk}/") and "//" not in back else f"/dealer/{dealer.pk}/"


@dealer_console
@require_POST
def confirm_price(request, dealer, vehicle_id: int):
    try:
        price = Decimal(request.POST.get("price", ""))
    except InvalidOperation:
        messages.error(request, _("The price to confirm is missing."))
        return redirect(_next(request, dealer))
    try:
        held = confirm(dealer_id=dealer.pk, vehicle_id=vehicle_id, price=price)
    except Vehicle.DoesNotExist:
        raise Http404(_("No such vehicle in this inventory.")) from None
    except PriceChanged:
        messages.error(request, _("The price has changed since this page was shown: look at it again."))
        return redirect(_next(request, dealer))
    if held:
        messages.success(request, _("Price confirmed: the listing is back in buyers' search within a minute."))
    else:
        messages.info(request, _("This listing is not held: buyers already find it."))
    return redirect(_next(request, dealer))
