"""Readiness: the database, the search engine and the sync pipeline, Redis, a worker and beat; and,
for operators, the age of the last good backup (which never makes the platform unready: an old backup
is an alert, not a reason to stop serving)."""

from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backups.status import backup_status
from indexers.status import sync_status
from jobs.liveness import beat_status, redis_status, worker_status
from localstack.process import ServiceError

from .metrics import may_read_operations


def health_report() -> dict:
    report = sync_status()
    report["redis"] = redis_status()
    report["worker"] = worker_status()
    report["beat"] = beat_status()
    report["healthy"] = bool(
        report["healthy"] and report["redis"]["reachable"] and report["worker"]["alive"] and report["beat"]["alive"]
    )
    try:
        report["backups"] = backup_status()
    except (ServiceError, DatabaseError) as exc:
        report["backups"] = {"configured": True, "readable": False, "stale": True, "error": str(exc)[:500]}
    return report


class HealthApi(APIView):
    """Anyone gets the status (200 healthy, 503 not, and `healthy`); the details (what is down, lag,
    queue names...) only a staff session or the metrics bearer token (they would tell an outsider the platform's
    insides)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Health of the database, the search engine, the sync pipeline, Redis, the workers and beat",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        report = health_report()
        status = 200 if report["healthy"] else 503
        if not may_read_operations(request):
            report = {"healthy": report["healthy"], "status": "ok" if report["healthy"] else "unhealthy"}
        return Response(report, status=status)
