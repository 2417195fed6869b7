"""The dashboard's query string: the vehicle search filters (the API's own serializer) plus how each
chart groups its data. One URL is the whole state of the page."""

from __future__ import annotations

from rest_framework import serializers

from search.analytics import GROUP_FIELDS, INTERVALS
from search.params import SEARCH_LOG_TERMS, VehicleFilterParams

GROUPS = tuple(name for name in GROUP_FIELDS if name != "dealer")
REPORT_INTERVALS = ("day", "week", "month")


class DashboardParams(VehicleFilterParams):
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, default="make")
    interval = serializers.ChoiceField(choices=INTERVALS, required=False, default="month")
    size = serializers.IntegerField(min_value=1, max_value=50, required=False, default=15)
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)
    report_interval = serializers.ChoiceField(choices=REPORT_INTERVALS, required=False, default="day")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        query = attrs["query"]
        # The search log knows text and facet selections, not prices: those two filters apply to it.
        attrs["report_terms"] = {name: values for name, values in query.terms.items() if name in SEARCH_LOG_TERMS}
        return attrs
