"""Words the pages show for facet names and stored values (the index keeps English codes like 'suv')."""

from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from search.countries import country_name
from search.fields import DETAIL_FIELDS, FIELDS

# Titles of everything a buyer can select on, and the labels of controlled values, from the field
# registry (search.fields); the French is in web/locale.
FACET_TITLES = {
    "q": _("Text"),
    **{field.name: field.label for field in FIELDS if field.terms_on or field.range_on},
}
# The periods a chart can count per ("New listings per month").
INTERVAL_LABELS = {
    "day": _("day"),
    "week": _("week"),
    "month": _("month"),
    "quarter": _("quarter"),
    "year": _("year"),
}
VALUES = {field.name: {value.code: value.label for value in field.values} for field in FIELDS if field.values}

SORT_LABELS = {
    "relevance": _("Best match"),
    "recommended": _("Recommended"),
    "best_deals": _("Best deals"),
    "newest": _("Newest"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "year_desc": _("Year: newest first"),
    "year_asc": _("Year: oldest first"),
    "mileage_asc": _("Mileage: lowest first"),
    "mileage_desc": _("Mileage: highest first"),
    "delivered_asc": _("Delivered price: low to high"),
    "delivered_desc": _("Delivered price: high to low"),
}
# Why a destination country refuses a car (delivery.estimate.REFUSALS).
REFUSAL_LABELS = {
    "age": _("too old"),
    "steering": _("wrong steering side"),
    "steering_unknown": _("steering side not stated"),
    "used": _("only new cars are admitted"),
}
# The lines of a delivered-price breakdown (search.detail.delivery_detail).
BREAKDOWN_LABELS = {
    "fob": _("Price at the export port (FOB)"),
    "inland": _("of which inland transport to the port"),
    "freight": _("Sea freight"),
    "insurance": _("Marine insurance"),
    "cif": _("Price at the port (CIF)"),
    "duty": _("Import duty"),
    "excise": _("Excise duty"),
    "surcharge": _("Age surcharge"),
    "vat": _("VAT"),
    "levies": _("Levies and fees"),
}
SOURCE_STATUS_LABELS = {
    "primary": _("official source"),
    "secondary": _("secondary source"),
    "estimate": _("illustrative estimate"),
}
# Facets holding ISO country codes: shown by the country's name in the page's language ("KE" -> "Kenya").
COUNTRY_FACETS = frozenset(f.name for f in FIELDS if f.terms_param and f.terms_param.kind == "country")


def value_label(facet: str, value) -> str:
    text = str(value)
    if facet in COUNTRY_FACETS:
        return country_name(text, get_language() or "en")
    known = VALUES.get(facet, {})
    return str(known.get(text.casefold(), text if facet in ("make", "model", "city", "country") else text.capitalize()))


def spec_rows(specs: dict) -> list[tuple[str, str]]:
    """(title, value as shown) of each spec the vehicle page lists (search.fields.DETAIL_FIELDS) that
    the vehicle has."""
    rows = []
    for field in DETAIL_FIELDS:
        value = specs.get(field.output_key)
        if value in (None, ""):
            continue
        if field.values:
            value = value_label(field.name, value)
        elif field.unit:
            value = f"{floatformat(value, '0g')}\u00a0{field.unit}"
        rows.append((str(field.label), str(value)))
    return rows


# The reasons search.similar gives, in the page's language (others are shown as given).
REASONS = {
    "Same body type": _("Same body type"),
    "Same make": _("Same make"),
    "Same model": _("Same model"),
    "Same year": _("Same year"),
    "Similar description": _("Similar description"),
    "Similar price (±10%)": _("Similar price (±10%)"),
    "Similar price (±20%)": _("Similar price (±20%)"),
    "Within 1 year": _("Within 1 year"),
    "Within 2 years": _("Within 2 years"),
    "Within 3 years": _("Within 3 years"),
}


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))
