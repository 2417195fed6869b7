"""Market and search analytics, for staff and the analyst group. Every search filter applies."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from insights.selectors import search_log_report
from recommendations.selectors import recommendation_ctr_by_arm
from search.analytics_selectors import days_on_market, inventory_by_dealer, listings_over_time, price_statistics
from search.params import (
    DaysOnMarketParams,
    DealerAnalyticsParams,
    ListingsOverTimeParams,
    PriceStatsParams,
    SearchLogParams,
    StrictParams,
)

from .permissions import IsAnalystOrStaff
from .search_schemas import AnalyticsResponse, SearchLogReportResponse
from .vehicles import validated


class AnalyticsApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsAnalystOrStaff]


class PriceStatisticsApi(AnalyticsApi):
    @extend_schema(
        summary="Price statistics",
        parameters=[PriceStatsParams],
        responses=AnalyticsResponse,
        description="Count, min, max, mean and percentiles (5/25/50/75/95) of prices, overall and "
        "grouped by make, model, year, country, body, fuel, condition or dealer.",
    )
    def get(self, request):
        p = validated(PriceStatsParams, request.query_params)
        return Response(
            price_statistics(query=p["query"], group_by=p.get("group_by"), size=p["size"], currency=p["currency"])
        )


class ListingsOverTimeApi(AnalyticsApi):
    @extend_schema(summary="Listings over time", parameters=[ListingsOverTimeParams], responses=AnalyticsResponse)
    def get(self, request):
        p = validated(ListingsOverTimeParams, request.query_params)
        return Response(listings_over_time(query=p["query"], interval=p["interval"], currency=p["currency"]))


class InventoryByDealerApi(AnalyticsApi):
    @extend_schema(summary="Inventory by dealer", parameters=[DealerAnalyticsParams], responses=AnalyticsResponse)
    def get(self, request):
        p = validated(DealerAnalyticsParams, request.query_params)
        return Response(inventory_by_dealer(query=p["query"], size=p["size"], currency=p["currency"]))


class DaysOnMarketApi(AnalyticsApi):
    @extend_schema(summary="Days on market", parameters=[DaysOnMarketParams], responses=AnalyticsResponse)
    def get(self, request):
        p = validated(DaysOnMarketParams, request.query_params)
        return Response(days_on_market(query=p["query"], group_by=p.get("group_by"), size=p["size"]))


class SearchQueriesApi(AnalyticsApi):
    @extend_schema(
        summary="What buyers search for",
        parameters=[SearchLogParams],
        responses=SearchLogReportResponse,
        description="Top queries, zero-result queries, the zero-result rate over time and the "
        "click-through rate, from the search log. The text and term filters of the other analytics "
        "keep only the searches that asked for them.",
    )
    def get(self, request):
        p = validated(SearchLogParams, request.query_params)
        since = timezone.now() - timedelta(days=p["days"])
        return Response(
            search_log_report(since=since, interval=p["interval"], limit=p["limit"], text=p["text"], terms=p["terms"])
        )


class RecommendationCtrParams(StrictParams):
    days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=14)


class RecommendationCtrApi(AnalyticsApi):
    @extend_schema(
        summary="Similar-vehicle CTR per blend arm",
        parameters=[RecommendationCtrParams],
        responses=inline_serializer("RecommendationCtrResponse", {"arms": serializers.DictField()}),
        description="Lists shown, impressions, clicks, CTR and share of lists clicked, per blend arm "
        "(current or tuned), from the recommendation log.",
    )
    def get(self, request):
        p = validated(RecommendationCtrParams, request.query_params)
        now = timezone.now()
        return Response({"arms": recommendation_ctr_by_arm(since=now - timedelta(days=p["days"]), until=now)})
