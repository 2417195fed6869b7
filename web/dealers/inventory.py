"""The console's inventory page: the buyers' search and facets scoped to the dealer, every status.

The query string is the inventory API's (search.params.InventorySearchParams): one search
language for the API, the buyers' pages and this page. Sold and withdrawn vehicles are not in the
index; asking for only those lists them from Postgres.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from insights.buffer import record_search
from search.dealer_selectors import dealer_inventory, is_off_market, off_market_inventory
from search.fields import ALL_STATUSES
from search.params import InventorySearchParams

from .access import dealer_console
from .holds import held_listings
from .params import facet_links, first_error, query_without
from .unavailable import search_unavailable_page

SHOWN_FACETS = ("make", "status", "body", "fuel", "transmission", "condition", "year", "price")
STATUS_TABS = (("", "On the market"), ("sold", "Sold"), ("withdrawn", "Withdrawn"))


def _search(dealer, data, request):
    params = InventorySearchParams(data=data)
    if not params.is_valid():
        return None, first_error(params.errors)
    p = params.validated_data
    statuses = p["query"].terms.get("status", ())
    if is_off_market(p["query"]):
        page = p["page"].number or 1
        result = off_market_inventory(
            dealer_id=dealer.pk, statuses=statuses, text=p["query"].text, page=page, size=p["page"].size
        )
        result["off_market"] = True
        return result, None
    result = dealer_inventory(
        dealer_id=dealer.pk,
        query=p["query"],
        sort=p["sort"],
        page=p["page"],
        currency=p["currency"],
        facets=SHOWN_FACETS,
        log_to=record_search,
    )
    result["off_market"] = False
    return result, None


@dealer_console
@search_unavailable_page
def inventory(request, dealer):
    result, error = _search(dealer, request.GET, request)
    facets = facet_links(result["facets"], request.GET) if result and not result["off_market"] else []
    facets.sort(key=lambda facet: SHOWN_FACETS.index(facet["name"]) if facet["name"] in SHOWN_FACETS else 99)
    next_href = None
    if result:
        if result["off_market"]:
            if result["page"] * result["size"] < result["total"]:
                next_href = "?" + query_without(request.GET, page=result["page"] + 1)
        elif result["page"]["next_page"]:
            next_href = "?" + query_without(request.GET, page=result["page"]["next_page"])
        elif result["page"]["next_cursor"]:
            next_href = "?" + query_without(request.GET, cursor=result["page"]["next_cursor"])
    context = {
        "facets": facets,
        "next_href": next_href,
        "dealer": dealer,
        "result": result,
        "error": error,
        "q": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "status_tabs": STATUS_TABS,
        "searchable_statuses": settings.SEARCHABLE_STATUSES,
        "statuses": ALL_STATUSES,
        "currency": request.GET.get("currency", "USD"),
        "display_currencies": settings.DISPLAY_CURRENCIES,
        "here": request.get_full_path(),
        # The export takes the page's own parameters: it holds what this page lists, on every page.
        "export_query": query_without(request.GET, "sort", "currency", "size"),
        # From Postgres, so the page lists them even when the engine is down or they match no filter.
        "held": held_listings(dealer.pk),
    }
    return render(request, "dealers/inventory.html", context, status=400 if error else 200)
