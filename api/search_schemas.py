"""Shapes of the search endpoints' answers, for the OpenAPI schema.

The selectors already return plain JSON-ready dicts; running them through serializer fields again
would cost more than the engine round trip on typeahead, so these describe the output, they do not
rebuild it.
"""

import copy

from rest_framework import serializers

from search.suggest import TYPEAHEAD_CARD


class MoneySchema(serializers.Serializer):
    amount = serializers.FloatField(allow_null=True)
    currency = serializers.CharField()


class DealerSchema(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    verified = serializers.BooleanField()
    rating = serializers.FloatField(allow_null=True)


class ImageSchema(serializers.Serializer):
    src = serializers.CharField(help_text="A WebP about 640 px wide, for clients without srcset.")
    srcset = serializers.DictField(
        child=serializers.CharField(), help_text='Per format ("avif", "webp"): "url 320w, url 640w, ..." for srcset.'
    )
    thumb = serializers.CharField(help_text="The smallest WebP (160 px wide), for thumbnails.")
    width = serializers.IntegerField(help_text="The photo's own width: with height, its aspect ratio.")
    height = serializers.IntegerField()
    placeholder = serializers.CharField(help_text="A tiny blurred image (data: URI) to show while it loads.")
    illustration = serializers.BooleanField(help_text="A drawing for demo data, not a photograph of this car.")


class VehicleCardSchema(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    make = serializers.CharField()
    model = serializers.CharField()
    trim = serializers.CharField()
    year = serializers.IntegerField()
    price = MoneySchema(help_text="As listed.")
    display_price = MoneySchema(help_text="In the requested currency.")
    price_usd = serializers.FloatField(allow_null=True)
    mileage_km = serializers.IntegerField(allow_null=True)
    condition = serializers.CharField()
    body = serializers.CharField(allow_null=True)
    fuel = serializers.CharField(allow_null=True)
    transmission = serializers.CharField(allow_null=True)
    drivetrain = serializers.CharField(allow_null=True)
    colour = serializers.CharField(allow_null=True)
    cover = ImageSchema(allow_null=True, help_text="The cover photo; null when the vehicle has none yet.")
    photo_count = serializers.IntegerField(help_text="Photos ready to show.")
    country = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    listed_at = serializers.DateTimeField()
    days_on_market = serializers.IntegerField(allow_null=True)
    dealer = DealerSchema()
    highlight = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field -> fragments with <em> around matched words.",
    )
    distance_km = serializers.FloatField(required=False, help_text="Only when sorted by distance.")


class FacetValueSchema(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()
    label = serializers.CharField(required=False, help_text="Dealer name (dealer facet).")
    models = serializers.ListField(child=serializers.DictField(), required=False, help_text="Make facet: its models.")


class HistogramBucketSchema(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    to = serializers.FloatField()
    count = serializers.IntegerField()


HistogramBucketSchema._declared_fields["from"] = serializers.FloatField()


class PageSchema(serializers.Serializer):
    size = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    next_page = serializers.IntegerField(allow_null=True)
    next_cursor = serializers.CharField(allow_null=True)


class ChipSchema(serializers.Serializer):
    param = serializers.CharField(help_text="A search parameter (make, model, year_min, price_max, fuel, ...).")
    value = serializers.CharField(help_text="Its value, as it would be sent (prices in the request's currency).")
    label = serializers.CharField(help_text='What to show on the chip ("Toyota Hilux", "2015+", "diesel").')


class InterpretationSchema(serializers.Serializer):
    applied = serializers.BooleanField(help_text="False with interpret=0 or without q: q was taken literally.")
    chips = ChipSchema(
        many=True,
        help_text="What was read out of q and applied as filters. Removing a chip = searching again "
        "with interpret=0 and the other chips sent as parameters, `text` as q.",
    )
    text = serializers.CharField(allow_blank=True, help_text="The words left for full-text matching.")


class RelaxedSchema(serializers.Serializer):
    dropped = serializers.ListField(
        child=serializers.CharField(), help_text="Parameters given up (q for the free text; chips' params too)."
    )
    total = serializers.IntegerField(help_text="Vehicles the relaxed search finds; `results` shows its first page.")


class ExhaustiveSchema(serializers.Serializer):
    facets_count = serializers.BooleanField(
        help_text="False when the facet counts are estimates: with NZILA_SEARCH_EXACT_FACETS_UP_TO set "
        "(off by default), a browse matching more vehicles than that counts them on a uniform sample "
        "and scales them up. `total` is always exact."
    )


class VehicleSearchResponse(serializers.Serializer):
    search_id = serializers.UUIDField(help_text="Send it back with a view (POST .../views) to record the click.")
    total = serializers.IntegerField()
    page = PageSchema()
    sort = serializers.CharField()
    currency = serializers.CharField()
    results = VehicleCardSchema(many=True)
    facets = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Facet -> values with counts (term facets) or buckets (price, year, "
        "mileage histograms). Disjunctive: a facet ignores its own selection.",
    )
    exhaustive = ExhaustiveSchema()
    took_ms = serializers.IntegerField()
    interpretation = InterpretationSchema(help_text="How q was understood.")
    did_you_mean = serializers.CharField(
        allow_null=True, help_text="Only when nothing was found: q with its unknown words corrected."
    )
    relaxed = RelaxedSchema(
        allow_null=True,
        help_text="Only when nothing was found (total 0): the results shown are those of the search "
        "without these constraints, not matches of the query as sent.",
    )


class SuggestionSchema(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["make", "model", "make_model", "query"])
    text = serializers.CharField()
    make = serializers.CharField(allow_null=True)
    model = serializers.CharField(allow_null=True)
    count = serializers.IntegerField(help_text="Matching vehicles (for a query: results it last found).")


class ThumbSchema(serializers.Serializer):
    thumb = serializers.CharField(help_text="The cover's smallest WebP (160 px wide).")
    placeholder = serializers.CharField(help_text="A tiny blurred image (data: URI) to show while it loads.")
    illustration = serializers.BooleanField(help_text="A drawing for demo data, not a photograph of this car.")


# What a keystroke needs of a car (search.suggest.TYPEAHEAD_CARD), as the card declares it; its page
# has the rest.
SuggestedVehicleSchema = type(
    "SuggestedVehicleSchema",
    (serializers.Serializer,),
    {name: copy.deepcopy(VehicleCardSchema._declared_fields[name]) for name in TYPEAHEAD_CARD}
    | {"cover": ThumbSchema(allow_null=True, help_text="The cover's thumbnail; null without photos.")},
)


class SuggestResponse(serializers.Serializer):
    query = serializers.CharField()
    suggestions = SuggestionSchema(many=True)
    vehicles = SuggestedVehicleSchema(many=True)
    took_ms = serializers.IntegerField()


class SimilarVehicleSchema(VehicleCardSchema):
    # Recommendations read a smaller part of each document; the condition is not among it.
    condition = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class SimilarResponse(serializers.Serializer):
    vehicle_id = serializers.IntegerField()
    results = SimilarVehicleSchema(many=True)
    took_ms = serializers.IntegerField()
    list_id = serializers.UUIDField(help_text="Send it back with a click: POST /api/v1/recommendations/clicks")
    arm = serializers.CharField(help_text="The blend this list came from (current or tuned)")


class VehicleViewResponse(serializers.Serializer):
    id = serializers.IntegerField()
    vehicle_id = serializers.IntegerField()
    viewed_at = serializers.DateTimeField()


class InventoryVehicleSchema(VehicleCardSchema):
    views = serializers.IntegerField(help_text="Times buyers opened this vehicle.")
    leads = serializers.IntegerField(help_text="Leads on this vehicle.")


class InventoryResponse(VehicleSearchResponse):
    # A dealer's stock is searched by its exact words: no interpretation, no relaxed results.
    interpretation = None
    did_you_mean = None
    relaxed = None
    dealer_id = serializers.IntegerField()
    results = InventoryVehicleSchema(many=True)
    status_counts = serializers.DictField(child=serializers.IntegerField())
    status_counts_source = serializers.DictField(child=serializers.ChoiceField(choices=["index", "database"]))
    status_counts_note = serializers.CharField()
    average_days_on_market = serializers.IntegerField(allow_null=True)


class AnalyticsResponse(serializers.Serializer):
    """Analytics answers differ per report; see each endpoint's description."""

    currency = serializers.CharField(required=False)
    group_by = serializers.CharField(required=False, allow_null=True)
    overall = serializers.DictField(required=False)
    groups = serializers.ListField(child=serializers.DictField(), required=False)
    series = serializers.ListField(child=serializers.DictField(), required=False)
    dealers = serializers.ListField(child=serializers.DictField(), required=False)


class SearchLogReportResponse(serializers.Serializer):
    since = serializers.DateTimeField()
    searches = serializers.IntegerField()
    zero_results = serializers.IntegerField()
    zero_result_rate = serializers.FloatField(allow_null=True)
    click_through_rate = serializers.FloatField(allow_null=True)
    top_queries = serializers.ListField(child=serializers.DictField())
    zero_result_queries = serializers.ListField(child=serializers.DictField())
    over_time = serializers.ListField(child=serializers.DictField())
