"""The buyers' pages: search (/) and a vehicle (/vehicles/<id>/<slug>/). Server-rendered; search.js
enhances them by asking for the same URLs with an `X-Fragment` header and swapping parts in."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from api.vehicles import viewer_of
from catalog.models import Vehicle
from delivery.reference import port_by_code
from insights.services import record_vehicle_view
from media import storage
from search.detail import vehicle_detail
from search.params import VehicleSearchParams, VehicleViewInput
from search.selectors import PAGE_WINDOW
from search.sorting import PORT_SORTS, SORT_NAMES
from web.asking import ask_context
from web.reserving import reserve_context

from .currency import COOKIE as CURRENCY_COOKIE
from .currency import chosen_currency, offered_currencies, offered_rates, rates_age, remember_currency
from .destination import chosen_port, offered_ports, remember_port
from .search_page import search_page_content
from .search_state import api_input, clean, loaded_pages

# "Recommended" is the page's first choice (no sort parameter); distance needs a point.
PAGE_SORTS = [name for name in SORT_NAMES if name not in ("distance", "recommended")]
FRAGMENT_HEADER = "X-Fragment"
FRAGMENTS = {"results": "web/_search_body.html", "more": "web/_more.html"}


def _currency_and_port(request) -> tuple[str, str]:
    """The port chosen (or remembered), and the currency: chosen or remembered, else the port's own."""
    port = chosen_port(request)
    currency = chosen_currency(request)
    chose_currency = request.GET.get("currency") or request.COOKIES.get(CURRENCY_COOKIE)
    destination = port_by_code(port) if port else None
    if destination and not chose_currency and destination.currency in offered_currencies():
        currency = destination.currency
    return currency, port


def search(request):
    return search_response(request, template="web/search.html")


def search_response(request, *, template: str, context: dict | None = None, within: dict | None = None):
    """The search page's answer for this URL. `within` narrows every search to fixed selections kept
    out of the URL and its chips (a dealer's page: {"dealer": ["12"]}); `context` adds to the page."""
    query = clean(request.GET)
    currency, port = _currency_and_port(request)
    data = api_input(query, currency=currency, port=port)
    for name, values in (within or {}).items():
        data.setlist(name, values)
    params = VehicleSearchParams(data=data)
    fragment = request.headers.get(FRAGMENT_HEADER, "")
    template = FRAGMENTS.get(fragment, template)
    context = {
        **(context or {}),
        "query": query,
        "currency": currency,
        "currencies": offered_currencies(),
        "rates": offered_rates(),
        "sort_names": [name for name in PAGE_SORTS if port or name not in PORT_SORTS],
        "port": port,
        "ports": offered_ports(),
        "destination": port_by_code(port) if port else None,
    }
    valid = params.is_valid()
    pages, pages_error = loaded_pages(query, size=params.validated_data["size"] if valid else 20, window=PAGE_WINDOW)
    if not valid or pages_error:
        errors = {**(params.errors if not valid else {}), **(pages_error or {})}
        response = render(request, template, {**context, "errors": errors}, status=400)
    else:
        page = search_page_content(params.validated_data, query=query, viewer=viewer_of(request), pages=pages)
        page["rates_age"] = converted_rates_age(currency, (page.get("result") or {}).get("results") or [])
        response = render(request, template, {**context, **page})
    patch_vary_headers(response, [FRAGMENT_HEADER])
    if "currency" in query:
        remember_currency(request, response, currency)
    if "port" in request.GET:
        remember_port(request, response, port)
    return response


def converted_rates_age(currency: str, items) -> object:
    """The age of the rates behind the converted prices among `items` (None: none is converted)."""
    converted = {item["price"]["currency"] for item in items if item["price"]["currency"] != currency}
    return rates_age(converted | {currency}) if converted else None


def _search_click(request) -> dict:
    """The search this page was opened from (result links carry search_id and position), checked
    by the views API's own serializer; a missing or mangled one records a plain view."""
    sent = {name: request.GET[name] for name in ("search_id", "position") if name in request.GET}
    click = VehicleViewInput(data=sent)
    if not sent or not click.is_valid():
        return {}
    return {"search_id": click.validated_data.get("search_id"), "position": click.validated_data.get("position")}


def _back_to_search(request) -> str:
    """The search the buyer came from, filters and all (its URL is its state; the Referer of a
    same-origin page carries it under Django's `same-origin` referrer policy); else the search page."""
    referer = request.headers.get("Referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not same_site:
        return "/"
    came_from = urlsplit(referer)
    if came_from.path != "/" or not came_from.netloc:
        return "/"
    return f"/?{came_from.query}" if came_from.query else "/"


def vehicle(request, vehicle_id: int, slug: str = ""):
    currency, port = _currency_and_port(request)
    try:
        detail = vehicle_detail(vehicle_id=vehicle_id, currency=currency, port=port)
    except Vehicle.DoesNotExist as exc:
        raise Http404("No vehicle with this id.") from exc
    if slug != detail["slug"]:
        target = reverse("web:vehicle", kwargs={"vehicle_id": vehicle_id, "slug": detail["slug"]})
        query = request.GET.urlencode()
        return redirect(f"{target}?{query}" if query else target, permanent=True)
    if detail["available"]:
        if not request.session.session_key:
            request.session.save()
        viewer = viewer_of(request)
        record_vehicle_view(
            vehicle_id=vehicle_id,
            user_id=viewer.user_id,
            session_key="" if viewer.user_id else viewer.session_key,
            **_search_click(request),
        )
    context = {
        "vehicle": detail,
        "currency": currency,
        "currencies": offered_currencies(),
        "port": port,
        "ports": offered_ports(),
        "destination": port_by_code(port) if port else None,
        "rates_age": converted_rates_age(currency, [detail]),
        "back_url": _back_to_search(request),
        **ask_context(request, detail),
        **reserve_context(request, detail),
    }
    # Gone for good: 410 tells crawlers to drop the page, while buyers still get similar vehicles.
    response = render(request, "web/vehicle.html", context, status=200 if detail["available"] else 410)
    if "currency" in request.GET:
        remember_currency(request, response, currency)
    if "port" in request.GET:
        remember_port(request, response, port)
    return response


# Variant files are named by their content: a name never changes meaning, so browsers keep them a year.
IMMUTABLE = "public, max-age=31536000, immutable"


def photo_file(request, name: str):
    """A public photo variant from the local storage (production serves them from the bucket).

    Only variant names (photos/...webp|avif) are served; originals live in another storage, never here.
    """
    if settings.PHOTOS_STORAGE != "filesystem" or not name.startswith("photos/") or ".." in name:
        raise Http404
    if not name.endswith((".webp", ".avif")):
        raise Http404
    public = storage.variants()
    try:
        handle = public.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    response["X-Content-Type-Options"] = "nosniff"
    return response
