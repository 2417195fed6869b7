"""Shapes of the search endpoints' answers, for the OpenAPI schema.

The selectors already return plain JSON-ready dicts; running them through serializer fields again
would cost more than the engine round trip on typeahead, so these describe the output, they do not
rebuild it.
"""

from rest_framework import serializers


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
    photo = serializers.CharField(allow_null=True)
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
    took_ms = serializers.IntegerField()


class SuggestionSchema(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["make", "model", "make_model", "query"])
    text = serializers.CharField()
    make = serializers.CharField(allow_null=True)
    model = serializers.CharField(allow_null=True)
    count = serializers.IntegerField(help_text="Matching vehicles (for a query: results it last found).")


class SuggestResponse(serializers.Serializer):
    query = serializers.CharField()
    suggestions = SuggestionSchema(many=True)
    vehicles = VehicleCardSchema(many=True)
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


class VehicleViewResponse(serializers.Serializer):
    id = serializers.IntegerField()
    vehicle_id = serializers.IntegerField()
    viewed_at = serializers.DateTimeField()


class InventoryVehicleSchema(VehicleCardSchema):
    market = serializers.DictField(
        help_text="position (below/at/above/unknown), vs_median_pct and the market "
        "quartiles for the same make, model and year."
    )


class InventoryResponse(VehicleSearchResponse):
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
