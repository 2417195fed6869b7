"""Buyer-facing vehicle endpoints: search, typeahead, similar vehicles, recording a view."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Vehicle
from insights.buffer import record_search
from insights.popularity import network_key
from insights.services import record_vehicle_view
from search.params import SimilarParams, SuggestParams, VehicleSearchParams, VehicleViewInput
from search.selectors import Viewer, similar_vehicles, vehicle_search

from .keystrokes import suggest_answer
from .search_schemas import SimilarResponse, SuggestResponse, VehicleSearchResponse, VehicleViewResponse
from .throttles import PublicRateThrottle, client_address


def viewer_of(request) -> Viewer:
    user = request.user
    session = getattr(request, "session", None)
    return Viewer(
        user_id=user.pk if user.is_authenticated else None,
        session_key=(session.session_key or "") if session is not None else "",
        network=network_key(client_address(request)),
        # Set by LocaleMiddleware from the language cookie or Accept-Language.
        language=getattr(request, "LANGUAGE_CODE", ""),
    )


def validated(serializer_class, data, **context):
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class VehicleSearchApi(APIView):
    renderer_classes = [JSONRenderer]
    throttle_classes = [PublicRateThrottle]

    @extend_schema(
        summary="Search vehicles",
        parameters=[VehicleSearchParams],
        responses=VehicleSearchResponse,
        description="Free text (typo-tolerant, synonyms), filters (repeat a parameter for any-of), "
        "ranges, distance, sort, highlights and disjunctive facets with counts. Page numbers "
        "cover the first 1000 results; follow next_cursor beyond. Makes, models, years, prices and "
        "body, fuel, gearbox, drivetrain and condition words in q (English and French) become "
        "filters, echoed in `interpretation` as chips (interpret=0 turns this off). A search that "
        "finds nothing answers `did_you_mean` and, in `relaxed`, which constraints were dropped to "
        "find the results shown.",
    )
    def get(self, request):
        params = validated(VehicleSearchParams, request.query_params)
        return Response(
            vehicle_search(
                query=params["query"],
                sort=params["sort"],
                page=params["page"],
                currency=params["currency"],
                facets=params["facets"],
                viewer=viewer_of(request),
                interpret=params["interpret"],
                log_to=record_search,
            )
        )


class VehicleSuggestApi(APIView):
    # Called on every keystroke and the same for everyone: no session or user lookup on the way.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Typeahead suggestions",
        parameters=[SuggestParams],
        responses=SuggestResponse,
        description="Makes, models, make+model and popular past queries matching what is typed "
        "(typos forgiven), with counts, and the top few vehicles. One engine round trip.",
    )
    def get(self, request):
        # Valid, allowed keystrokes are answered earlier, by api.keystrokes; this answers the rest.
        return suggest_answer(validated(SuggestParams, request.query_params))


class VehicleSimilarApi(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Vehicles similar to this one",
        parameters=[SimilarParams],
        responses=SimilarResponse,
        description="Available vehicles like this one (text, make, body, price, year), blended with "
        "what buyers who viewed it also viewed, each with its reasons.",
    )
    def get(self, request, vehicle_id: int):
        params = validated(SimilarParams, request.query_params)
        try:
            return Response(
                similar_vehicles(
                    vehicle_id=vehicle_id, size=params["size"], currency=params["currency"], viewer=viewer_of(request)
                )
            )
        except Vehicle.DoesNotExist as exc:
            raise NotFound("No vehicle with this id.") from exc


class VehicleViewsApi(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Record that a vehicle was viewed",
        request=VehicleViewInput,
        responses={201: VehicleViewResponse},
        description="By the signed-in user, or else by this browser session. With search_id (and "
        "position), also records which search result was opened.",
    )
    def post(self, request, vehicle_id: int):
        body = validated(VehicleViewInput, request.data)
        get_object_or_404(Vehicle.objects.only("id"), pk=vehicle_id)
        if not request.session.session_key:
            request.session.save()
        viewer = viewer_of(request)
        view = record_vehicle_view(
            vehicle_id=vehicle_id,
            user_id=viewer.user_id,
            session_key="" if viewer.user_id else viewer.session_key,
            dwell_seconds=body.get("dwell_seconds"),
            search_id=body.get("search_id"),
            position=body.get("position"),
        )
        return Response({"id": view.pk, "vehicle_id": vehicle_id, "viewed_at": view.viewed_at}, status=201)
