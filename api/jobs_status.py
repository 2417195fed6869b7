"""GET /api/v1/ops/jobs (staff): queue depths, failure rates, dead letters, schedules, delivery rates."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.overview import jobs_overview


class JobsOverviewApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(summary="Background jobs and message delivery at a glance (staff)", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(jobs_overview())
