"""Query parameters of the search endpoints: parsed, checked, and turned into search.request values.

Every mistake is a 400 that names the parameter (api.errors shapes it): unknown names, wrong types,
inverted ranges, oversized pages, malformed cursors, unknown sorts.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from rest_framework import serializers

from delivery.reference import destination_countries, ports
from search.analytics import GROUP_FIELDS, INTERVALS
from search.countries import country_code
from search.currency import currency_rates
from search.cursors import InvalidCursor, decode_cursor
from search.facets import FACET_NAMES
from search.fields import (
    ALL_STATUSES,
    BY_NAME,
    PER_PORT_RANGES,
    RANGE_FIELDS,
    RANGES,
    TERM_FIELDS,
    TERM_PARAMS,
    VehicleField,
    range_params,
    usd_price,
)
from search.request import GeoCircle, Page, Range, VehicleQuery
from search.selectors import PAGE_WINDOW, cursor_fingerprint
from search.sorting import PORT_SORTS, SORT_NAMES, default_sort

MAX_PAGE_SIZE = 100
# The widest integers the index and Postgres hold ("integer" fields such as mileage_km and year;
# bigint ids). A larger number could match nothing, and the engine refuses a query that carries one:
# it is a 400 naming the parameter here, never a 502 from the engine.
ENGINE_INT_MAX = 2**31 - 1
ID_MAX = 2**63 - 1
MULTI_VALUE_LIMIT = 50


class MultiValueField(serializers.ListField):
    """A repeated parameter (?make=Toyota&make=Honda); a bad value is reported under the parameter's name."""

    def run_child_validation(self, data):
        values, errors = [], []
        for item in data:
            try:
                values.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                detail = exc.detail[0] if isinstance(exc.detail, list) else exc.detail
                errors.append(f"{item!r}: {detail}")
        if errors:
            raise serializers.ValidationError(errors)
        return values


def _values(child: serializers.Field, help_text: str) -> MultiValueField:
    return MultiValueField(child=child, required=False, max_length=MULTI_VALUE_LIMIT, help_text=help_text)


class StrictParams(serializers.Serializer):
    """Rejects parameters it does not know, so a typo ("maek=Toyota") is an error, not a silent no-op."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {unknown[0]: [f"Unknown parameter. Known parameters: {', '.join(sorted(self.fields))}."]}
            )
        return super().to_internal_value(data)


class CurrencyField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=3, min_length=3, **kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data).upper()
        if code not in currency_rates():
            raise serializers.ValidationError(f"Unknown currency {code!r}.")
        return code


class CountryField(serializers.CharField):
    """A country: its two-letter ISO code ("NG", "ng") or its name in English or French ("Nigeria",
    "Sénégal", "Côte d'Ivoire"), as search.countries knows them; the code either way."""

    def __init__(self, **kwargs):
        super().__init__(max_length=80, **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data).strip()
        if re.fullmatch(r"[A-Za-z]{2}", text):
            return text.upper()
        code = country_code(text)
        if code is None:
            raise serializers.ValidationError(
                f"Unknown country {text!r}: use a two-letter ISO code (NG) or the country's name in English "
                "or French (Nigeria, Sénégal)."
            )
        return code


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


class PortField(serializers.CharField):
    """A destination port: its UN/LOCODE ("KEMBA") or its name ("Mombasa"); an unknown one is a 400
    that names it and lists the ports there are."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data).strip()
        known = ports()
        for port in known:
            names = {port.code.casefold(), _fold(port.name), *(_fold(alias) for alias in port.aliases)}
            if _fold(text) in names:
                return port.code
        listed = ", ".join(f"{port.code} ({port.name})" for port in known)
        raise serializers.ValidationError(f"Unknown port {text!r}. Valid ports: {listed}.")


class DestinationField(CountryField):
    """A destination country of the reference data (a country with a port)."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        known = destination_countries()
        if code not in known:
            listed = ", ".join(f"{c} ({port.country_name})" for c, port in sorted(known.items()))
            raise serializers.ValidationError(f"Unknown destination country {code!r}. Valid countries: {listed}.")
        return code


def _term_value(field: VehicleField) -> serializers.Field:
    """One value of a field's terms parameter, checked as the field declares."""
    param = field.terms_param
    if param.kind == "destination":
        return DestinationField()
    if param.kind == "choice":
        return serializers.ChoiceField(choices=field.value_codes)
    if param.kind == "country":
        return CountryField()
    if param.kind == "id":
        return serializers.IntegerField(min_value=1, max_value=ID_MAX)
    return serializers.CharField(max_length=param.max_length)


def _bound(field: VehicleField) -> serializers.Field:
    param = field.range_param
    if param.in_currency:
        return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    return serializers.IntegerField(min_value=param.low, max_value=param.high, required=False)


def _selection_params() -> dict[str, serializers.Field]:
    """A repeated parameter per terms field, a `_min`/`_max` pair per range field (search.fields)."""
    params: dict[str, serializers.Field] = {
        field.name: _values(_term_value(field), field.terms_param.help) for field in TERM_FIELDS
    }
    for field in RANGE_FIELDS:
        for name in range_params(field.name):
            params[name] = _bound(field)
    return params


# The selection parameters as a serializer base: DRF collects declared fields by its metaclass.
_SelectionParams = serializers.SerializerMetaclass("_SelectionParams", (StrictParams,), _selection_params())


class VehicleFilterParams(_SelectionParams):
    """Text, filters, ranges and a point: everything that selects vehicles."""

    statuses: tuple[str, ...] = ()

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Free text.")
    currency = CurrencyField(
        required=False, default="USD", help_text="Currency of price_min/price_max and of prices shown (ISO 4217)."
    )
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)
    radius_km = serializers.FloatField(
        min_value=0.1, max_value=20000, required=False, help_text="Only vehicles within this distance of lat/lon."
    )
    port = PortField(
        required=False,
        help_text="Destination port (UN/LOCODE such as KEMBA, or its name) of delivered_*/cif_* bounds, of the "
        "delivered_asc/delivered_desc sorts and of the delivered prices on each card.",
    )

    def validate_status(self, values):
        allowed = self.statuses or tuple(settings.SEARCHABLE_STATUSES)
        for value in values:
            if value not in allowed:
                raise serializers.ValidationError(f"{value!r} is not one of: {', '.join(allowed)}.")
        return values

    def validate(self, attrs):
        for name in RANGES:
            low_name, high_name = range_params(name)
            low, high = attrs.get(low_name), attrs.get(high_name)
            if low is not None and high is not None and low > high:
                raise serializers.ValidationError({low_name: [f"{low_name} must not be greater than {high_name}."]})
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise serializers.ValidationError({missing: ["lat and lon go together."]})
        if "radius_km" in attrs and not has_lat:
            raise serializers.ValidationError({"radius_km": ["radius_km needs lat and lon."]})
        if "port" not in attrs:
            for name in PER_PORT_RANGES:
                for bound in range_params(name):
                    if attrs.get(bound) is not None:
                        raise serializers.ValidationError({bound: [f"{bound} needs port (the destination port)."]})
        attrs["query"] = self._query(attrs)
        return attrs

    @staticmethod
    def _query(attrs) -> VehicleQuery:
        units = currency_rates()[attrs["currency"]]

        def bound(field: VehicleField, value):
            # Amounts are rounded like the documents' price_usd: bounds are inclusive in every currency.
            return usd_price(value, units) if value is not None and field.range_param.in_currency else value

        ranges = {}
        for field in RANGE_FIELDS:
            low, high = (bound(field, attrs.get(name)) for name in range_params(field.name))
            if low is not None or high is not None:
                ranges[field.name] = Range(low, high)
        near = None
        if "lat" in attrs and "radius_km" in attrs:
            near = GeoCircle(lat=attrs["lat"], lon=attrs["lon"], radius_km=attrs["radius_km"])
        return VehicleQuery(
            text=attrs.get("q", "").strip(),
            terms={name: tuple(str(v) for v in attrs[name]) for name in TERM_PARAMS if attrs.get(name)},
            ranges=ranges,
            near=near,
            port=attrs.get("port", ""),
        )


class VehicleSearchParams(VehicleFilterParams):
    """A search: filters plus sort, page or cursor, and which facets to count."""

    sort = serializers.ChoiceField(
        choices=SORT_NAMES,
        required=False,
        help_text="Default: relevance with text, recommended (listing quality) without.",
    )
    page = serializers.IntegerField(min_value=1, max_value=ENGINE_INT_MAX, required=False, default=1)
    size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False, default=20)
    cursor = serializers.CharField(
        required=False, max_length=4000, help_text="next_cursor from the previous page, for pages past the page window."
    )
    facets = serializers.CharField(
        required=False,
        max_length=300,
        help_text=f"Comma-separated facets to count ({', '.join(FACET_NAMES)}), or 'none'. Default: all.",
    )
    interpret = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Read makes, models, years, prices and attribute words in q as filters (echoed as "
        "`interpretation`); 0 takes q literally.",
    )

    def validate_facets(self, value):
        if value.strip() == "none":
            return ()
        names = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        unknown = [name for name in names if name not in FACET_NAMES]
        if unknown:
            raise serializers.ValidationError(f"Unknown facet {unknown[0]!r}; known: {', '.join(FACET_NAMES)}.")
        return names

    def validate(self, attrs):
        attrs = super().validate(attrs)
        query: VehicleQuery = attrs["query"]
        sort = attrs.get("sort") or default_sort(has_text=bool(query.text))
        if sort == "distance" and "lat" not in attrs:
            raise serializers.ValidationError({"sort": ["Sorting by distance needs lat and lon."]})
        if sort == "distance" and query.near is None:
            # The point is only kept with a radius (VehicleQuery.near): without one, nothing to sort from.
            raise serializers.ValidationError({"radius_km": ["Sorting by distance needs radius_km with lat and lon."]})
        if sort in PORT_SORTS and not query.port:
            raise serializers.ValidationError({"sort": ["Sorting by delivered price needs port."]})
        if sort == "relevance" and not query.text:
            sort = "recommended"
        attrs["sort"] = sort
        attrs.setdefault("facets", FACET_NAMES)
        size = attrs["size"]
        if "cursor" in attrs:
            if "page" in self.initial_data:
                raise serializers.ValidationError({"cursor": ["Use either page or cursor, not both."]})
            try:
                after = decode_cursor(attrs["cursor"], fingerprint=cursor_fingerprint(query, sort))
            except InvalidCursor as exc:
                raise serializers.ValidationError({"cursor": [str(exc)]}) from exc
            attrs["page"] = Page(size=size, search_after=after)
        else:
            if attrs["page"] * size > PAGE_WINDOW:
                raise serializers.ValidationError(
                    {"page": [f"Page numbers reach the first {PAGE_WINDOW} results; follow next_cursor to go deeper."]}
                )
            attrs["page"] = Page(size=size, number=attrs["page"])
        return attrs


class InventorySearchParams(VehicleSearchParams):
    statuses = ALL_STATUSES
    # A dealer searches their own stock by its exact words.
    interpret = None


class SuggestParams(StrictParams):
    q = serializers.CharField(max_length=100, help_text="What has been typed so far.")
    size = serializers.IntegerField(min_value=1, max_value=20, required=False, default=8)
    vehicles = serializers.IntegerField(
        min_value=0, max_value=10, required=False, default=3, help_text="How many top vehicles to include."
    )


class SimilarParams(StrictParams):
    size = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)
    currency = CurrencyField(required=False, default="USD")


class VehicleViewInput(serializers.Serializer):
    dwell_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False, allow_null=True)
    search_id = serializers.UUIDField(required=False, help_text="search_id of the search the vehicle was opened from.")
    position = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, help_text="1-based rank of the vehicle in that search's results."
    )

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["Unknown field."]})
        return super().to_internal_value(data)


class PriceStatsParams(VehicleFilterParams):
    group_by = serializers.ChoiceField(choices=tuple(GROUP_FIELDS), required=False)
    size = serializers.IntegerField(min_value=1, max_value=200, required=False, default=20)


class DaysOnMarketParams(PriceStatsParams):
    pass


class ListingsOverTimeParams(VehicleFilterParams):
    interval = serializers.ChoiceField(choices=INTERVALS, required=False, default="month")


class DealerAnalyticsParams(VehicleFilterParams):
    size = serializers.IntegerField(min_value=1, max_value=500, required=False, default=50)


# The selections the search log records and its report can filter on.
SEARCH_LOG_TERMS = ("make", "model", "body", "fuel", "transmission", "condition", "country", "dealer")


_SearchLogSelections = serializers.SerializerMetaclass(
    "_SearchLogSelections",
    (StrictParams,),
    {
        name: _values(_term_value(BY_NAME[name]), "Searches that selected any of these values.")
        for name in SEARCH_LOG_TERMS
    },
)


class SearchLogParams(_SearchLogSelections):
    """The search report's window, plus the text and term filters of the other analytics: the report
    then counts only the searches that asked for them. Ranges and distance do not apply (a search
    is not priced), so they are not accepted here."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Searches containing this text."
    )
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)
    interval = serializers.ChoiceField(choices=("day", "week", "month"), required=False, default="day")
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False, default=20)

    def validate(self, attrs):
        attrs["text"] = attrs.get("q", "").strip()
        attrs["terms"] = {name: tuple(str(v) for v in attrs[name]) for name in SEARCH_LOG_TERMS if attrs.get(name)}
        return attrs
