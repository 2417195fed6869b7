"""A lead's score, for the lead's dealer members and staff."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sales.models import Lead
from scoring.selectors import scores_for_leads

from .permissions import IsLeadDealerMemberOrStaff

LeadScoreResponse = inline_serializer(
    "LeadScoreResponse",
    {
        "lead_id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=["scored", "pending"]),
        "score": serializers.IntegerField(allow_null=True, help_text="0-100"),
        "arm": serializers.CharField(allow_null=True, help_text="rules or model (A/B)"),
        "reasons": serializers.ListField(child=serializers.DictField()),
        "model_id": serializers.IntegerField(allow_null=True),
        "computed_at": serializers.DateTimeField(allow_null=True),
    },
)


class LeadScoreApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsLeadDealerMemberOrStaff]

    @extend_schema(
        summary="A lead's score",
        responses=LeadScoreResponse,
        description="The lead's score (0-100), the A/B arm it came from (the six rules or the learned "
        "model) and the top reasons (per-feature contributions). Computed in the background when the "
        "lead is created or changes; `status: pending` until then.",
    )
    def get(self, request, lead_id: int):
        get_object_or_404(Lead.objects.only("id"), pk=lead_id)
        view = scores_for_leads([lead_id]).get(lead_id)
        if view is None:
            return Response(
                {
                    "lead_id": lead_id,
                    "status": "pending",
                    "score": None,
                    "arm": None,
                    "reasons": [],
                    "model_id": None,
                    "computed_at": None,
                }
            )
        return Response({**asdict(view), "status": "scored"})
