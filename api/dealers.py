"""A dealer's own inventory, for that dealer's members and staff."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Dealer
from search.dealer_selectors import dealer_inventory

from .permissions import IsDealerMemberOrStaff
from .search_params import InventorySearchParams
from .search_schemas import InventoryResponse
from .vehicles import validated, viewer_of


class DealerInventoryApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]

    @extend_schema(
        summary="A dealer's inventory",
        parameters=[InventorySearchParams],
        responses=InventoryResponse,
        description="The vehicle search and facets scoped to one dealer, with status counts, days on "
        "market and each price against the market for the same make, model and year. "
        "Sold and withdrawn counts come from the database (they are not in the index).",
    )
    def get(self, request, dealer_id: int):
        get_object_or_404(Dealer.objects.only("id"), pk=dealer_id)
        params = validated(InventorySearchParams, request.query_params)
        return Response(
            dealer_inventory(
                dealer_id=dealer_id,
                query=params["query"],
                sort=params["sort"],
                page=params["page"],
                currency=params["currency"],
                facets=params["facets"],
                viewer=viewer_of(request),
            )
        )
