"""Liveness and sync health: is the product up, and how far behind Postgres is the index?"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from indexers.status import sync_status


class HealthApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="Health of the database, the search engine and the sync pipeline",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        report = sync_status()
        return Response(report, status=200 if report["healthy"] else 503)
