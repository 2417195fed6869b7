"""GET /api/v1/tasks/{id}: the state of a background task, for the user who started it."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.tracking import task_status_for


class TaskStatusSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField()
    ready = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    result = serializers.JSONField(required=False)
    error = serializers.CharField(required=False)
    dead_lettered = serializers.BooleanField(required=False)
    retrying = serializers.BooleanField(required=False)


class TaskStatusApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="State of a task you started", responses=TaskStatusSerializer)
    def get(self, request, task_id: str):
        status = task_status_for(task_id=task_id, user=request.user)
        if status is None:
            # The same answer for "not yours" and "no such task": ids are not to be probed.
            raise NotFound("No such task.")
        return Response(TaskStatusSerializer(status).data)
