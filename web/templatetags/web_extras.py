"""Template filters of the buyers' pages: prices and numbers in the page's locale, value labels, links."""

from decimal import Decimal
from urllib.parse import quote

import phonenumbers
from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from notifications.phones import whatsapp_id
from search.detail import slug_for
from web.labels import (
    BREAKDOWN_LABELS,
    FACET_TITLES,
    INTERVAL_LABELS,
    REFUSAL_LABELS,
    SORT_LABELS,
    SOURCE_STATUS_LABELS,
    reason_label,
    spec_rows,
    value_label,
)

register = template.Library()


@register.filter
def money(price) -> str:
    """{'amount': 12345.6, 'currency': 'XOF'} -> '12,346 XOF' (en) or '12 346 XOF' (fr)."""
    if not price or price.get("amount") is None:
        return "—"
    return f"{floatformat(price['amount'], '0g')}\u00a0{price['currency']}"


@register.filter
def refusal(code: str) -> str:
    return str(REFUSAL_LABELS.get(code, code))


@register.filter
def breakdown_line(name: str) -> str:
    return str(BREAKDOWN_LABELS.get(name, name))


@register.filter
def source_status(status: str) -> str:
    return str(SOURCE_STATUS_LABELS.get(status, status))


@register.filter
def country_name(destination) -> str:
    """A destination's country in the page's language (a PortRef or a verdict dict)."""
    get = destination.get if isinstance(destination, dict) else lambda key: getattr(destination, key)
    french = (get_language() or "").startswith("fr")
    return get("country_name_fr") if french else get("country_name")


@register.filter
def number(value) -> str:
    return "—" if value is None else floatformat(value, "0g")


@register.filter
def figure(value) -> str:
    """A number in a table as people read it, in the page's locale: grouped, whole from 100 up (12,346),
    at most two decimals below (3.5, 0.25); anything else as it is, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return floatformat(value, "0g" if abs(value) >= 100 else "-2g")


@register.filter
def label(value, facet: str) -> str:
    return value_label(facet, value)


@register.filter
def specs(vehicle_specs: dict) -> list[tuple[str, str]]:
    return spec_rows(vehicle_specs)


@register.filter
def facet_title(name: str) -> str:
    return str(FACET_TITLES.get(name, name))


@register.filter
def interval_label(name: str) -> str:
    return str(INTERVAL_LABELS.get(name, name))


@register.filter
def sort_label(name: str) -> str:
    return str(SORT_LABELS.get(name, name))


@register.filter
def bar_height(count: int, buckets) -> int:
    """A histogram bar's height in percent of the tallest bucket, in steps of 5: the page names it as a
    class (`bar-45`), since the Content-Security-Policy refuses style attributes."""
    top = max((b["count"] for b in buckets), default=0)
    return 5 * round(20 * count / top) if top else 0


@register.simple_tag(takes_context=True)
def whatsapp_url(context, vehicle) -> str:
    """wa.me to the dealer's verified number with a message naming the vehicle and its page; the page
    shows the button only when there is such a number (a wa.me link without one opens no chat)."""
    if not vehicle["dealer"]["whatsapp"]:
        return ""
    page = context["request"].build_absolute_uri(f"/vehicles/{vehicle['id']}/{vehicle['slug']}/")
    text = quote(_("Hello, I am interested in the %(vehicle)s: %(url)s") % {"vehicle": vehicle["title"], "url": page})
    return f"https://wa.me/{whatsapp_id(vehicle['dealer']['whatsapp'])}?text={text}"


@register.filter
def phone_display(e164: str) -> str:
    """+254712345678 -> +254 712 345678, as people write it."""
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def vehicle_url(card) -> str:
    """A result card's page address, slug included (no redirect on the way)."""
    return f"/vehicles/{card['id']}/{slug_for(card['year'], card['make'], card['model'], card.get('trim', ''))}/"


@register.filter
def reason(text: str) -> str:
    return reason_label(text)


@register.inclusion_tag("web/_photo.html")
def photo(image, sizes: str, *, eager: bool = False, alt: str = "", css: str = "photo"):
    """A photo as <picture>: AVIF then WebP by srcset and sizes, a WebP src for the rest, its own
    width and height (the space is kept before it loads), the blurred placeholder behind it, lazy
    unless `eager` (the first screen's), and "Illustration" on demo drawings."""
    return {"image": image, "sizes": sizes, "eager": eager, "alt": alt, "css": css}


@register.filter
def place(where) -> str:
    """ "Nairobi, KE", or "KE" where the city is not known (never "None, KE")."""
    get = where.get if isinstance(where, dict) else lambda key: getattr(where, key, None)
    return ", ".join(str(part) for part in (get("city"), get("country")) if part)


@register.filter
def response_label(response_time) -> str:
    """A dealer's typical first answer, as buyers read it: "Usually answers within 3 hours"."""
    if response_time is None:
        return ""
    hours = response_time.median_hours
    if hours < 1:
        return _("Usually answers within an hour")
    if hours < 24:
        n = int(hours) + 1
        return ngettext("Usually answers within %(n)d hour", "Usually answers within %(n)d hours", n) % {"n": n}
    days = int(hours // 24) + 1
    return ngettext("Usually answers within %(n)d day", "Usually answers within %(n)d days", days) % {"n": days}


@register.filter
def age(moment) -> str:
    """How long ago, short: "5 min", "3 h", "2 d" (the inbox's waiting times)."""
    from django.utils import timezone

    if moment is None:
        return ""
    seconds = max(0, (timezone.now() - moment).total_seconds())
    if seconds < 3600:
        return _("%(n)d min") % {"n": max(1, seconds // 60)}
    if seconds < 86400:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d d") % {"n": seconds // 86400}
