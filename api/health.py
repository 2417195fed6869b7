"""Readiness: the database, the search engine and the sync pipeline, Redis, a worker and beat."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from indexers.status import sync_status
from jobs.liveness import beat_status, redis_status, worker_status


def health_report() -> dict:
    report = sync_status()
    report["redis"] = redis_status()
    report["worker"] = worker_status()
    report["beat"] = beat_status()
    report["healthy"] = bool(
        report["healthy"] and report["redis"]["reachable"] and report["worker"]["alive"] and report["beat"]["alive"]
    )
    return report


class HealthApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="Health of the database, the search engine, the sync pipeline, Redis, the workers and beat",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        report = health_report()
        return Response(report, status=200 if report["healthy"] else 503)
