"""Saved searches and price watches: create, list, pause, resume and delete."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.openapi import results_of
from catalog.models import Vehicle
from notifications import services
from notifications.models import PriceWatch, SavedSearch
from search.params import VehicleFilterParams
from search.selectors import understood


class SavedSearchParams(VehicleFilterParams):
    """The search API's own parameters, checked by its own rules (one search language); a repeatable
    parameter may be given as one value or a list. The free text is understood as the search
    understands it (unless `interpret` is off), so the alert matches what the search shows."""

    interpret = serializers.BooleanField(required=False, default=True)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"params": ["Give the search parameters as an object."]})
        multi = {name for name, field in self.fields.items() if isinstance(field, serializers.ListField)}
        data = {
            name: [value] if name in multi and not isinstance(value, list) else value for name, value in data.items()
        }
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        query = attrs["query"]
        if not (query.text or query.terms or query.ranges or query.near):
            raise serializers.ValidationError({"params": ["A saved search needs at least one parameter."]})
        if attrs["interpret"]:
            _, attrs["query"] = understood(query, currency=attrs["currency"])
        return attrs


class SavedSearchInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    params = SavedSearchParams()


class SavedSearchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedSearch
        fields = ["id", "name", "params", "active", "created_at", "updated_at"]


def _with_task(search: SavedSearch, task_id: str | None) -> dict:
    data = SavedSearchSerializer(search).data
    if task_id:
        data["task_id"] = task_id
    return data


class SavedSearchListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your saved searches",
        operation_id="v1_saved_searches_list",
        responses=results_of(SavedSearchSerializer),
    )
    def get(self, request):
        searches = SavedSearch.objects.filter(user=request.user).order_by("-created_at")
        return Response({"results": SavedSearchSerializer(searches, many=True).data})

    @extend_schema(
        summary="Save a search: new matching vehicles are sent to you",
        request=SavedSearchInputSerializer,
        responses={201: SavedSearchSerializer},
    )
    def post(self, request):
        data = SavedSearchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        search, task_id = services.saved_search_create(
            user=request.user,
            name=data.validated_data["name"],
            params=request.data["params"],
            query=data.validated_data["params"]["query"],
        )
        return Response(_with_task(search, task_id), status=201)


class SavedSearchDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def _search(self, request, search_id: int) -> SavedSearch:
        return get_object_or_404(SavedSearch, pk=search_id, user=request.user)

    @extend_schema(summary="One saved search", responses=SavedSearchSerializer)
    def get(self, request, search_id: int):
        return Response(SavedSearchSerializer(self._search(request, search_id)).data)

    @extend_schema(summary="Delete a saved search", responses={204: None})
    def delete(self, request, search_id: int):
        services.saved_search_delete(search=self._search(request, search_id))
        return Response(status=204)


class SavedSearchPauseApi(APIView):
    permission_classes = [IsAuthenticated]
    active = False

    @extend_schema(summary="Pause (or resume) a saved search", request=None, responses=SavedSearchSerializer)
    def post(self, request, search_id: int):
        search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
        search, task_id = services.saved_search_set_active(search=search, active=self.active)
        return Response(_with_task(search, task_id))


class SavedSearchResumeApi(SavedSearchPauseApi):
    active = True


class PriceWatchInputSerializer(serializers.Serializer):
    vehicle_id = serializers.IntegerField(min_value=1)
    target_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0.01")
    )


class PriceWatchSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="vehicle.currency_id", read_only=True)
    current_price = serializers.DecimalField(source="vehicle.price", max_digits=14, decimal_places=2, read_only=True)
    target_reached = serializers.SerializerMethodField()

    class Meta:
        model = PriceWatch
        fields = [
            "id",
            "vehicle_id",
            "target_price",
            "currency",
            "current_price",
            "target_reached",
            "active",
            "notified_at",
            "created_at",
        ]

    def get_target_reached(self, watch) -> bool:
        return watch.target_price is not None and watch.vehicle.price <= watch.target_price


class PriceWatchListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Vehicles you watch", responses=results_of(PriceWatchSerializer))
    def get(self, request):
        watches = PriceWatch.objects.filter(user=request.user).select_related("vehicle").order_by("-created_at")
        return Response({"results": PriceWatchSerializer(watches, many=True).data})

    @extend_schema(
        summary="Watch a vehicle's price (optionally for a target price, in its currency)",
        request=PriceWatchInputSerializer,
        responses={201: PriceWatchSerializer},
    )
    def post(self, request):
        data = PriceWatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vehicle = get_object_or_404(Vehicle, pk=data.validated_data["vehicle_id"])
        watch = services.price_watch_create(
            user=request.user, vehicle=vehicle, target_price=data.validated_data.get("target_price")
        )
        return Response(PriceWatchSerializer(watch).data, status=201)


class PriceWatchDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Stop watching a vehicle", responses={204: None})
    def delete(self, request, watch_id: int):
        get_object_or_404(PriceWatch, pk=watch_id, user=request.user).delete()
        return Response(status=204)

    @extend_schema(summary="Pause or resume a price watch", request=None, responses=PriceWatchSerializer)
    def patch(self, request, watch_id: int):
        watch = get_object_or_404(PriceWatch.objects.select_related("vehicle"), pk=watch_id, user=request.user)
        active = serializers.BooleanField().to_internal_value(request.data.get("active", watch.active))
        PriceWatch.objects.filter(pk=watch.pk).update(active=active)
        watch.active = active
        return Response(PriceWatchSerializer(watch).data)
