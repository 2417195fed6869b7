"""A click on a similar-vehicle result: logged with its list, for the CTR per blend arm."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations.services import log_click

from .vehicles import validated


class RecommendationClickInput(serializers.Serializer):
    list_id = serializers.UUIDField()
    vehicle_id = serializers.IntegerField(min_value=1)
    position = serializers.IntegerField(min_value=1, max_value=100, required=False)


class RecommendationClickApi(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Record a click on a similar-vehicle result",
        request=RecommendationClickInput,
        responses={202: inline_serializer("RecommendationClickResponse", {"id": serializers.UUIDField()})},
        description="The list_id comes with the similar-vehicle results. Written in the background.",
    )
    def post(self, request):
        body = validated(RecommendationClickInput, request.data)
        click_id = log_click(list_id=str(body["list_id"]), vehicle_id=body["vehicle_id"], position=body.get("position"))
        return Response({"id": click_id}, status=202)
