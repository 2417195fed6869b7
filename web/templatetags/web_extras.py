"""Template filters of the buyers' pages: prices and numbers in the page's locale, value labels, links."""

from urllib.parse import quote

from django import template
from django.template.defaultfilters import floatformat

from search.detail import slug_for
from web.labels import FACET_TITLES, SORT_LABELS, reason_label, value_label

register = template.Library()


@register.filter
def money(price) -> str:
    """{'amount': 12345.6, 'currency': 'XOF'} -> '12,346 XOF' (en) or '12 346 XOF' (fr)."""
    if not price or price.get("amount") is None:
        return "—"
    return f"{floatformat(price['amount'], '0g')}\u00a0{price['currency']}"


@register.filter
def number(value) -> str:
    return "—" if value is None else floatformat(value, "0g")


@register.filter
def label(value, facet: str) -> str:
    return value_label(facet, value)


@register.filter
def facet_title(name: str) -> str:
    return str(FACET_TITLES.get(name, name))


@register.filter
def sort_label(name: str) -> str:
    return str(SORT_LABELS.get(name, name))


@register.filter
def bar_height(count: int, buckets) -> int:
    """A histogram bar's height in percent of the tallest bucket."""
    top = max((b["count"] for b in buckets), default=0)
    return round(100 * count / top) if top else 0


@register.filter
def whatsapp_url(vehicle) -> str:
    text = quote(f"{vehicle['title']} (Nzila #{vehicle['id']})")
    number = (vehicle["dealer"].get("whatsapp") or "").lstrip("+")
    return f"https://wa.me/{number}?text={text}" if number else f"https://wa.me/?text={text}"


@register.filter
def vehicle_url(card) -> str:
    """A result card's page address, slug included (no redirect on the way)."""
    return f"/vehicles/{card['id']}/{slug_for(card['year'], card['make'], card['model'], card.get('trim', ''))}/"


@register.filter
def reason(text: str) -> str:
    return reason_label(text)
