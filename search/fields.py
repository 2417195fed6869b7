"""Every vehicle field, declared once: the table the index, the queries, the parameters and the pages
derive from. Pure: no database, no engine, no Django model.

One `VehicleField` says, for one field, where its value comes from (the `catalog_vehicle` column),
what the search document holds (document field and mapping kind: es_mappings.vehicles turns the kind
into an engine mapping), how buyers select on it (a terms or range filter and its API parameter),
how it is counted (facet), what it is called (label, value labels, the words that mean a value in
free text), the order of its chip and of its relaxation when nothing is found, its CSV column,
whether result cards and the vehicle page show it and whether the dealer sets it. Adding a
searchable field is one entry here, its column (model and migration) and its French words.

Derived in: es_mappings.vehicles (mapping, row → document), indexers.rows (row SQL), search.filters,
search.facets, search.results, search.vehicles (hit source), search.params (parameters),
search.understanding (words and chips), search.zero_results (relaxation), search.detail (specs),
web.labels and web.search_state (titles, value labels, chips), catalog's dealer CSV (columns).
Tests in tests/unit/test_field_registry.py fail when any of them drifts from this table.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Documents are spread over this many buckets for reconciliation checksums (id % buckets).
SYNC_BUCKETS = 1024


def usd_price(price: Decimal | float, units_per_usd: Decimal | float) -> float:
    """A price in US dollars as the document holds it (`price_usd`): rounded to the cent.

    Price filters convert their bounds with this same function, so a car listed at exactly the
    bound, in any currency, lands on exactly the bound's value and stays inside the range.
    """
    return round(float(price) / float(units_per_usd), 2)


# --- the parts of a declaration ---------------------------------------------------------------------


@dataclass(frozen=True)
class TermsFacet:
    """Counts per value. `ignores`: other selections this facet's counts leave out (its own always)."""

    field: str
    size: int
    ignores: tuple[str, ...] = ()
    # A nested facet (make -> model): (name, field, size).
    child: tuple[str, str, int] | None = None
    # A label shown beside each value (dealer id -> dealer name).
    label_field: str | None = None


@dataclass(frozen=True)
class HistogramFacet:
    field: str
    interval: float
    # The interval is laid out in the caller's currency (prices only).
    in_currency: bool = False


@dataclass(frozen=True)
class TermsParam:
    """A repeated API parameter selecting any of its values.

    kind: `text` (free, up to max_length), `choice` (one of the field's values), `country` (ISO
    alpha-2), `id` (a positive integer), `status` (one of the statuses the caller may see),
    `destination` (a destination country of the reference data: delivery.Port).
    """

    kind: Literal["text", "choice", "country", "id", "status", "destination"]
    help: str
    max_length: int = 0


@dataclass(frozen=True)
class RangeParam:
    """`<name>_min` / `<name>_max`, inclusive: whole numbers within bounds, or (`in_currency`) amounts
    in the request's currency, converted to US dollars like the documents' price_usd."""

    low: int
    high: int
    in_currency: bool = False
    # One value per destination port (`<range_on>.<port code>`): the request's `port` says which.
    per_port: bool = False


@dataclass(frozen=True)
class DealerInput:
    """How a dealer sets a field on a listed vehicle (the console's edit form and the API's PATCH, one
    serializer: api.dealer_serializers), named by its column.

    kind: `code` (one of the field's values), `text` (free, up to max_length, "" when not known),
    `whole` (a whole number from low to high), `amount` (a price in the vehicle's currency:
    catalog.prices' rule). `optional`: the value may be unknown ("" for a code, null for a number).
    `spec`: a code no write record has an attribute for, passed by name in `specs`
    (catalog.services.NewVehicle, catalog.ingest's Listing).
    """

    kind: Literal["code", "text", "whole", "amount"]
    max_length: int = 0
    low: int = 0
    high: int = 0
    optional: bool = False
    spec: bool = False


@dataclass(frozen=True)
class Value:
    """A controlled value: its code in Postgres and the index, its label, and the phrases (folded,
    `|`-separated; single words space-separated before the first `|`) that mean it in free text."""

    code: str
    label: Promise
    words: str = ""
    # How a chip read from free text names it, where that is not the code itself ("4WD").
    short: str = ""


@dataclass(frozen=True)
class Words:
    """Phrases that select several values at once ("4x4" = 4wd or awd)."""

    codes: tuple[str, ...]
    words: str


MappingKind = Literal[
    "keyword",  # an exact value, not counted on every page
    "facet_keyword",  # an exact value counted on (nearly) every search page
    "typed_keyword",  # an exact value that users type: a folded subfield for filters
    "facet_typed_keyword",  # the same, counted on every search page
    "name",  # full text, `.raw` exact, `.folded` typed filters, `.prefix` typeahead
    "model_name",  # a name, plus one-token `.compact` forms ("C-HR" = "chr")
    "facet_name",  # a name counted by a facet
    "text",  # full text only
    "text_keyword",  # full text, `.raw` exact
    "keyword_text",  # an exact value with a `.text` full-text subfield
    "facet_keyword_text",  # a facet keyword with a `.text` subfield
    "make_model",  # "make model" for search-as-you-type
    "integer",
    "long",
    "double",
    "date",
    "geo_point",
    "unindexed",  # kept in the source only
    "image",  # an object kept in the source only (a photo's variants, size, placeholder)
    "dealer",  # the dealer object
    "per_port_price",  # an object of US dollar amounts keyed by destination port code (UN/LOCODE)
    "completion",  # typeahead completion inputs
]


@dataclass(frozen=True)
class VehicleField:
    # The public name: API parameter (or range root), facet, label key.
    name: str
    # The search document's field.
    doc: str
    mapping: MappingKind
    label: Promise | None = None
    # The catalog_vehicle column copied into the document; None when the transform derives it.
    column: str | None = None
    # How a copied column becomes a document value: "text" ('' -> null), "blank" (null -> ''), "number"
    # (a float), "list" (null -> []), "iso" (a timestamp as ISO 8601), "as_is".
    convert: Literal["as_is", "text", "blank", "number", "list", "iso"] = "as_is"
    # Selection: the document field a terms or range filter applies to.
    terms_on: str | None = None
    range_on: str | None = None
    terms_param: TermsParam | None = None
    range_param: RangeParam | None = None
    facet: TermsFacet | HistogramFacet | None = None
    # The buyers' search page lists this facet (in this table's order; the API counts every facet).
    page_facet: bool = False
    # The key in result cards and the vehicle page's specs (defaults to `name`); shown there if set.
    card: bool = False
    detail: bool = False
    key: str | None = None
    # Shown after a number ("km").
    unit: str = ""
    # Controlled values, and phrases that select several of them.
    values: tuple[Value, ...] = ()
    words: tuple[Words, ...] = ()
    # Lower comes first: the order chips are shown in (what the car is, when and how much, how built).
    chip_rank: int | None = None
    # Lower is given up first when a search finds nothing.
    relax_rank: int | None = None
    # The column in a dealer's inventory CSV.
    csv: str | None = None
    # The dealer sets it on a listed vehicle (console, API), and how.
    editable: DealerInput | None = None
    # A range the buyers' page shows as one checkbox meaning `<name>_min=<toggle_min>` ("With photos",
    # "Dealers rated 4 and up"): its words and its lower bound.
    toggle: Promise | None = None
    toggle_min: int = 1
    # A place where the car stands: a value the index holds (a country also by its English and French
    # names) is read out of free text as this filter ("corolla lagos" -> city=Lagos).
    place: bool = False

    @property
    def output_key(self) -> str:
        return self.key or self.name

    @property
    def value_codes(self) -> tuple[str, ...]:
        return tuple(value.code for value in self.values)


# --- the table --------------------------------------------------------------------------------------

FIELDS: tuple[VehicleField, ...] = (
    VehicleField("vehicle_id", "vehicle_id", "long"),
    VehicleField("title", "title", "text"),
    VehicleField(
        "make",
        "make",
        "facet_name",
        _("Make"),
        column="make",
        terms_on="make.folded",
        terms_param=TermsParam("text", "Any of these makes (repeat the parameter).", 60),
        # Hierarchical: a make's models are counted under it; choosing a model keeps all makes visible.
        facet=TermsFacet("make.raw", 60, ignores=("model",), child=("models", "model.raw", 40)),
        page_facet=True,
        card=True,
        chip_rank=0,
        relax_rank=140,
        csv="make",
    ),
    VehicleField(
        "model",
        "model",
        "model_name",
        _("Model"),
        column="model",
        terms_on="model.folded",
        terms_param=TermsParam("text", "Any of these models.", 80),
        facet=TermsFacet("model.raw", 60),
        card=True,
        chip_rank=1,
        relax_rank=120,
        csv="model",
    ),
    VehicleField(
        "trim",
        "trim",
        "name",
        _("Trim"),
        column="trim",
        convert="blank",
        card=True,
        csv="trim",
        editable=DealerInput("text", max_length=120),
    ),
    VehicleField("make_model", "make_model", "make_model"),
    VehicleField(
        "year",
        "year",
        "integer",
        _("Year"),
        column="year",
        range_on="year",
        range_param=RangeParam(1900, 2100),
        facet=HistogramFacet("year", 1),
        card=True,
        chip_rank=2,
        relax_rank=20,
        csv="year",
        editable=DealerInput("whole", low=1900, high=2100),
    ),
    VehicleField(
        "price",
        "price_usd",
        "double",
        _("Price"),
        range_on="price_usd",
        range_param=RangeParam(0, 10**12, in_currency=True),
        facet=HistogramFacet("price_usd", 5000, in_currency=True),
        card=True,
        key="price_usd",
        chip_rank=4,
        relax_rank=0,
    ),
    # The amount and currency as listed (price_usd above is what filters and sorts).
    VehicleField(
        "listed_price",
        "price",
        "double",
        _("Price"),
        column="price",
        convert="number",
        csv="price",
        editable=DealerInput("amount"),
    ),
    VehicleField("currency", "currency", "keyword", _("Currency"), column="currency_id", csv="currency"),
    VehicleField(
        "mileage",
        "mileage_km",
        "integer",
        _("Mileage"),
        column="mileage_km",
        range_on="mileage_km",
        range_param=RangeParam(0, 2**31 - 1),
        facet=HistogramFacet("mileage_km", 25000),
        card=True,
        detail=True,
        key="mileage_km",
        unit="km",
        relax_rank=10,
        csv="mileage_km",
        editable=DealerInput("whole", low=0, high=2_000_000, optional=True),
    ),
    VehicleField(
        "body",
        "body_type",
        "facet_keyword_text",
        _("Body"),
        column="body_type",
        convert="text",
        terms_on="body_type",
        terms_param=TermsParam("text", "Any of these body types.", 30),
        facet=TermsFacet("body_type", 25),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("sedan", _("Sedan"), "sedan saloon berline limousine"),
            Value("suv", _("SUV"), "suv crossover|tout terrain|tout-terrain", short="SUV"),
            Value("pickup", _("Pickup"), "pickup pick-up ute|pick up|pickup truck"),
            Value("hatchback", _("Hatchback"), "hatchback hatch citadine compacte"),
            Value("van", _("Van"), "van fourgon fourgonnette utilitaire minibus"),
            Value("wagon", _("Estate"), "wagon estate break kombi tourer|station wagon"),
            Value("coupe", _("Coupé"), "coupe"),
            Value("convertible", _("Convertible"), "convertible cabriolet cabrio roadster decapotable"),
            Value("minivan", _("Minivan")),
            Value("truck", _("Truck")),
            Value("bus", _("Bus")),
            Value("other", _("Other")),
        ),
        words=(Words(("minivan", "van"), "minivan mpv monospace|people mover"),),
        chip_rank=6,
        relax_rank=80,
        csv="body_type",
        editable=DealerInput("code", optional=True),
    ),
    VehicleField(
        "fuel",
        "fuel",
        "facet_keyword",
        _("Fuel"),
        column="fuel",
        convert="text",
        terms_on="fuel",
        terms_param=TermsParam("text", "Any of these fuels.", 20),
        facet=TermsFacet("fuel", 15),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("petrol", _("Petrol"), "petrol gasoline essence benzin benzine|sans plomb"),
            Value("diesel", _("Diesel"), "diesel gazole gasoil gas-oil"),
            Value("hybrid", _("Hybrid"), "hybrid hybride"),
            Value("electric", _("Electric"), "electric electrique elektro ev|100% electrique"),
            Value("lpg", _("LPG"), "lpg gpl", short="LPG"),
            Value("plug-in hybrid", _("Plug-in hybrid")),
            Value("other", _("Other")),
        ),
        chip_rank=7,
        relax_rank=60,
        csv="fuel",
        editable=DealerInput("code", optional=True),
    ),
    VehicleField(
        "transmission",
        "transmission",
        "facet_keyword",
        _("Transmission"),
        column="transmission",
        convert="text",
        terms_on="transmission",
        terms_param=TermsParam("text", "Any of these transmissions.", 20),
        facet=TermsFacet("transmission", 10),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value(
                "automatic",
                _("Automatic"),
                "automatic automatique automatik bva|boite automatique|boite auto|automatic transmission",
            ),
            Value("manual", _("Manual"), "manual manuelle manuel manuell bvm stick|boite manuelle|manual transmission"),
            Value("cvt", _("CVT")),
        ),
        chip_rank=8,
        relax_rank=50,
        csv="transmission",
        editable=DealerInput("code", optional=True),
    ),
    VehicleField(
        "drivetrain",
        "drivetrain",
        "facet_keyword",
        _("Drivetrain"),
        column="drivetrain",
        convert="text",
        terms_on="drivetrain",
        terms_param=TermsParam("text", "Any of these drivetrains.", 10),
        facet=TermsFacet("drivetrain", 10),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("fwd", _("Front-wheel drive"), "fwd|front wheel drive|traction avant", short="FWD"),
            Value("rwd", _("Rear-wheel drive"), "rwd|rear wheel drive|propulsion", short="RWD"),
            Value("awd", _("All-wheel drive"), short="AWD"),
            Value("4wd", _("4x4"), short="4WD"),
        ),
        words=(
            Words(
                ("4wd", "awd"),
                "4x4 4wd awd 4x4s|4 wd|all wheel drive|four wheel drive|quatre roues motrices|transmission integrale",
            ),
        ),
        chip_rank=9,
        relax_rank=70,
        csv="drivetrain",
        editable=DealerInput("code", optional=True),
    ),
    VehicleField(
        "steering",
        "steering",
        "facet_keyword",
        _("Steering"),
        column="steering",
        convert="text",
        terms_on="steering",
        terms_param=TermsParam("choice", "Left- or right-hand drive (lhd, rhd)."),
        facet=TermsFacet("steering", 5),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("lhd", _("Left-hand drive"), "lhd|left hand drive|conduite a gauche|volant a gauche", short="LHD"),
            Value("rhd", _("Right-hand drive"), "rhd|right hand drive|conduite a droite|volant a droite", short="RHD"),
        ),
        chip_rank=11,
        relax_rank=75,
        csv="steering",
        editable=DealerInput("code", optional=True, spec=True),
    ),
    VehicleField(
        "condition",
        "condition",
        "facet_keyword",
        _("Condition"),
        column="condition",
        terms_on="condition",
        terms_param=TermsParam("choice", "Any of these conditions."),
        facet=TermsFacet("condition", 10),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("new", _("New"), "new neuf neuve|brand new|0 km"),
            Value("used", _("Used"), "used occasion occas|d'occasion|second hand|seconde main|pre-owned|pre owned"),
            Value("certified", _("Certified")),
            Value("demo", _("Demo")),
        ),
        chip_rank=10,
        relax_rank=30,
        csv="condition",
        # Always known: a database check holds it to these values.
        editable=DealerInput("code"),
    ),
    VehicleField(
        "engine",
        "engine",
        "text_keyword",
        _("Engine"),
        column="engine",
        convert="text",
        detail=True,
        csv="engine",
        editable=DealerInput("text", max_length=80),
    ),
    VehicleField(
        "colour",
        "exterior_color",
        "facet_typed_keyword",
        _("Colour"),
        column="exterior_color",
        convert="text",
        terms_on="exterior_color.folded",
        terms_param=TermsParam("text", "Any of these exterior colours.", 40),
        facet=TermsFacet("exterior_color", 30),
        page_facet=True,
        card=True,
        detail=True,
        values=(
            Value("white", _("White")),
            Value("black", _("Black")),
            Value("silver", _("Silver")),
            Value("blue", _("Blue")),
            Value("red", _("Red")),
            Value("grey", _("Grey")),
            Value("green", _("Green")),
        ),
        relax_rank=40,
        csv="exterior_color",
        # The dealer's own spelling ("Diamond Black"): the facet counts what dealers wrote.
        editable=DealerInput("text", max_length=40),
    ),
    VehicleField(
        "interior_colour",
        "interior_color",
        "typed_keyword",
        _("Interior"),
        column="interior_color",
        convert="text",
        detail=True,
        csv="interior_color",
        editable=DealerInput("text", max_length=40),
    ),
    VehicleField("vin", "vin", "keyword", _("VIN"), column="vin", detail=True, csv="vin"),
    VehicleField(
        "features", "features", "keyword_text", _("Features"), column="features", convert="list", csv="features"
    ),
    VehicleField(
        "description",
        "description",
        "text",
        _("Description"),
        column="description",
        convert="blank",
        csv="description",
        editable=DealerInput("text", max_length=20000),
    ),
    # The cover (the first ready photo): its variants, size and placeholder, kept in the source for
    # cards (media.names.image_urls makes the addresses). Derived from media_photo by the indexer.
    VehicleField("cover", "cover", "image", card=True),
    # Ready photos; "with photos" is photos_min=1.
    VehicleField(
        "photos",
        "photo_count",
        "integer",
        _("Photos"),
        range_on="photo_count",
        range_param=RangeParam(0, 1000),
        card=True,
        key="photo_count",
        toggle=_("With photos"),
        # Given up early when nothing is found: a car without photos beats no car.
        relax_rank=7,
    ),
    # The dealer's rating (0-5: the mean of its buyers' published reviews, sales.reviews), beside the
    # dealer object so it filters as a range; a rating change re-stamps the dealer's vehicles (the
    # dealer trigger, indexers/migrations/0002). "Dealers rated 4 and up" is dealer_rating_min=4.
    VehicleField(
        "dealer_rating",
        "dealer_rating",
        "double",
        _("Dealer rating"),
        range_on="dealer_rating",
        range_param=RangeParam(0, 5),
        toggle=_("Dealers rated 4 and up"),
        toggle_min=4,
        # Given up early when nothing is found, like photos: an unrated dealer's car beats no car.
        relax_rank=8,
    ),
    # Delivered prices and import eligibility: derived by the indexer from the reference data in
    # force (platform/delivery), per destination port and country; see docs/delivery.md.
    VehicleField(
        "delivered",
        "delivered_usd",
        "per_port_price",
        _("Delivered price"),
        range_on="delivered_usd",
        range_param=RangeParam(0, 10**12, in_currency=True, per_port=True),
        card=True,
        chip_rank=5,
        relax_rank=5,
    ),
    VehicleField(
        "cif",
        "cif_usd",
        "per_port_price",
        _("Price at the port (CIF)"),
        range_on="cif_usd",
        range_param=RangeParam(0, 10**12, in_currency=True, per_port=True),
        card=True,
        chip_rank=5,
        relax_rank=4,
    ),
    VehicleField(
        "importable",
        "importable_to",
        "facet_keyword",
        _("Importable to"),
        terms_on="importable_to",
        terms_param=TermsParam("destination", "Only cars these destination countries admit (ISO 3166-1 alpha-2)."),
        facet=TermsFacet("importable_to", 20),
        card=True,
        chip_rank=12,
        relax_rank=85,
    ),
    # "KE:age": why a destination country refuses the car (cards and the vehicle page explain it).
    VehicleField("import_refusals", "import_refusals", "unindexed", card=True),
    VehicleField(
        "dealer",
        "dealer",
        "dealer",
        _("Dealer"),
        terms_on="dealer.id",
        terms_param=TermsParam("id", "Any of these dealer ids."),
        facet=TermsFacet("dealer.id.key", 30, label_field="dealer.name.raw"),
        relax_rank=130,
    ),
    VehicleField(
        "country",
        "country",
        "facet_keyword",
        _("Country"),
        column="country",
        terms_on="country",
        terms_param=TermsParam(
            "country",
            "Any of these countries where the car stands: ISO 3166-1 alpha-2 codes or English or French names.",
        ),
        facet=TermsFacet("country", 60),
        page_facet=True,
        card=True,
        relax_rank=100,
        chip_rank=14,
        place=True,
    ),
    VehicleField(
        "city",
        "city",
        "typed_keyword",
        _("City"),
        column="city",
        convert="text",
        terms_on="city.folded",
        terms_param=TermsParam("text", "Any of these cities.", 120),
        facet=TermsFacet("city", 30),
        card=True,
        relax_rank=90,
        chip_rank=13,
        place=True,
    ),
    VehicleField("location", "location", "geo_point"),
    VehicleField(
        "status",
        "status",
        "facet_keyword",
        _("Status"),
        column="status",
        terms_on="status",
        terms_param=TermsParam("status", "Any of these statuses.", 10),
        facet=TermsFacet("status", 5),
        card=True,
        values=(
            Value("available", _("Available")),
            Value("reserved", _("Reserved")),
            Value("sold", _("Sold")),
            Value("withdrawn", _("Withdrawn")),
        ),
        # A status asked for (a dealer's "reserved only") is the first thing given up.
        relax_rank=-10,
        csv="status",
    ),
    VehicleField("listed_at", "listed_at", "date", column="listed_at", convert="iso", card=True),
    VehicleField("updated_at", "updated_at", "date", column="updated_at", convert="iso"),
    VehicleField("suggest", "suggest", "completion"),
    # The row's search_version, also the document's external version; with sync_bucket, it lets
    # reconciliation checksum the index per bucket with one aggregation.
    VehicleField("sync_version", "sync_version", "long"),
    VehicleField("sync_bucket", "sync_bucket", "integer"),
    # Market value (pricing.serving stores it on the row) and the deal rating derived from it and the
    # price by the transform (pricing.ratings), so a price change re-rates within the sync's lag.
    VehicleField(
        "market_value",
        "market_value_usd",
        "double",
        _("Market value"),
        column="market_value_usd",
        convert="number",
        card=True,
    ),
    VehicleField("market_low", "market_low_usd", "double", column="market_low_usd", convert="number", card=True),
    VehicleField("market_high", "market_high_usd", "double", column="market_high_usd", convert="number", card=True),
    VehicleField(
        "deal",
        "deal_rating",
        "facet_keyword",
        _("Deal rating"),
        terms_on="deal_rating",
        terms_param=TermsParam("choice", "Any of these deal ratings (price against the market value)."),
        facet=TermsFacet("deal_rating", 6),
        page_facet=True,
        card=True,
        key="deal_rating",
        values=(
            Value("great", _("Great deal"), "|great deal|great deals|super affaire|tres bonne affaire"),
            Value("good", _("Good deal"), "|good deal|good deals|bonne affaire"),
            Value("fair", _("Fair price"), "|fair price|prix juste"),
            Value("high", _("High price")),
            Value("overpriced", _("Overpriced")),
            Value("unknown", _("Not enough data")),
        ),
        chip_rank=12,
        relax_rank=5,
    ),
    # Price against market value (-0.12: 12 % below): the "best deals" sort.
    VehicleField("deal_gap", "deal_gap", "double", card=True),
    # Completeness, photos, deal rating and dealer standing, 0-1: the "Recommended" sort.
    VehicleField("listing_quality", "listing_quality", "double"),
)

BY_NAME: dict[str, VehicleField] = {field.name: field for field in FIELDS}


def _phrases(words: str) -> list[str]:
    """ "a b|c d|e" -> ["a", "b", "c d", "e"]: single words before the first `|`, phrases after."""
    single, _, multi = words.partition("|")
    return single.split() + [phrase for phrase in multi.split("|") if phrase]


# Every status a vehicle can have (catalog.Vehicle.Status; a database check holds rows to these).
ALL_STATUSES: tuple[str, ...] = BY_NAME["status"].value_codes

# --- what the rest of the code reads ---------------------------------------------------------------

TERM_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.terms_on)
RANGE_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.range_on)
TERM_PARAMS: tuple[str, ...] = tuple(f.name for f in TERM_FIELDS)
RANGES: tuple[str, ...] = tuple(f.name for f in RANGE_FIELDS)
# Ranges over one value per destination port: they need the request's `port`.
PER_PORT_RANGES: tuple[str, ...] = tuple(f.name for f in RANGE_FIELDS if f.range_param.per_port)
PER_PORT_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.mapping == "per_port_price")
# Document fields filled straight from a column of the row.
COPIED_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.column)
CARD_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.card)
DETAIL_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.detail)
CSV_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.csv)
LISTED_FACETS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.page_facet)
# Ranges the buyers' page shows as one checkbox (<name>_min=<toggle_min>), and those it shows as from/to inputs.
TOGGLE_FIELDS: tuple[VehicleField, ...] = tuple(f for f in RANGE_FIELDS if f.toggle)
PAGE_RANGES: tuple[str, ...] = tuple(f.name for f in RANGE_FIELDS if not f.toggle)
# Places where the car stands, read out of free text from the values the index holds.
PLACE_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.place)
# What a dealer sets on a listed vehicle (the console's edit form and the API's PATCH), in this order.
EDITABLE_FIELDS: tuple[VehicleField, ...] = tuple(f for f in FIELDS if f.editable)
# Controlled values written by name (`specs`), stored in their column ("" when not known).
SPEC_FIELDS: tuple[VehicleField, ...] = tuple(f for f in EDITABLE_FIELDS if f.editable.spec)


def _attribute_words() -> dict[str, tuple[str, tuple[str, ...]]]:
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for field in FIELDS:
        groups = [((value.code,), value.words) for value in field.values] + [(w.codes, w.words) for w in field.words]
        for codes, words in groups:
            for phrase in _phrases(words):
                if phrase in found:
                    raise ValueError(f"{phrase!r} means both {found[phrase]} and {(field.name, codes)}")
                found[phrase] = (field.name, codes)
    return found


# Folded phrase -> (parameter, values): the words that select values in free text.
ATTRIBUTE_WORDS = _attribute_words()
# A value's name on a chip read from free text, where it is not the code itself.
SHORT_LABELS: dict[str, str] = {value.code: value.short for field in FIELDS for value in field.values if value.short}
# Parameters (and their ranges' bound parameters) in the order their chips are shown.
CHIP_ORDER: tuple[str, ...] = tuple(
    param
    for f in sorted((f for f in FIELDS if f.chip_rank is not None), key=lambda f: f.chip_rank)
    for param in ((f"{f.name}_min", f"{f.name}_max") if f.range_on else (f.name,))
)


def choices(name: str) -> list[tuple[str, Promise]]:
    """A controlled field's (code, label) pairs, for a model's or a form's choices."""
    return [(value.code, value.label) for value in BY_NAME[name].values]


def controlled_value(field: VehicleField, raw: str | None) -> str | None:
    """One of the field's codes from what a person wrote ("RHD", "Right-hand drive", "conduite à
    droite"); "" for nothing written, None for words that name no value of this field."""
    text = " ".join(_fold(raw or "").replace("-", " ").split())
    if not text:
        return ""
    if text in field.value_codes:
        return text
    param, codes = ATTRIBUTE_WORDS.get(text, (None, ()))
    return codes[0] if param == field.name and len(codes) == 1 else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def range_params(name: str) -> tuple[str, str]:
    """The parameters bounding a range: ("price_min", "price_max")."""
    return f"{name}_min", f"{name}_max"
