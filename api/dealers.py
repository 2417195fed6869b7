"""A dealer's own inventory, for that dealer's members and staff."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Dealer, Vehicle
from catalog.services import (
    InventoryInputError,
    NewVehicle,
    VehicleEdit,
    add_vehicle,
    split_dealer_set,
    update_vehicle,
)
from insights.buffer import record_search
from search.dealer_selectors import dealer_inventory
from search.params import InventorySearchParams

from .dealer_serializers import DealerVehicleOutput, NewVehicleInput, VehicleEditInput
from .permissions import IsDealerMemberOrStaff
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
                log_to=record_search,
            )
        )


def _refused(exc: InventoryInputError) -> ValidationError:
    return ValidationError({exc.field: [exc.message]})


class DealerVehicleListApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]

    @extend_schema(
        summary="List a new vehicle",
        request=NewVehicleInput,
        responses={201: DealerVehicleOutput},
        description="Written to the database; it reaches the search through the normal sync, within "
        "seconds. The VIN is checked (17 characters, no I, O or Q) and must not be listed already.",
    )
    def post(self, request, dealer_id: int):
        dealer = get_object_or_404(Dealer, pk=dealer_id)
        body = validated(NewVehicleInput, request.data)
        try:
            specs, rest = split_dealer_set(body)
            vehicle = add_vehicle(dealer, NewVehicle(**rest, specs=specs))
        except InventoryInputError as exc:
            raise _refused(exc) from None
        return Response(DealerVehicleOutput(vehicle).data, status=201)


class DealerVehicleApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]

    @extend_schema(
        summary="Change a listed vehicle",
        request=VehicleEditInput,
        responses=DealerVehicleOutput,
        description="Status and every field the dealer sets (price in the vehicle's currency, trim, "
        "year, mileage, body, fuel, transmission, drivetrain, steering, condition, engine, colours, "
        "description); fields left out stay as they are. Another dealer's vehicle is a 404.",
    )
    def patch(self, request, dealer_id: int, vehicle_id: int):
        body = validated(VehicleEditInput, request.data)
        try:
            status = body.pop("status", None)
            vehicle = update_vehicle(dealer_id, vehicle_id, VehicleEdit(status=status, values=body))
        except Vehicle.DoesNotExist:
            raise NotFound("No such vehicle in this dealer's inventory.") from None
        except InventoryInputError as exc:
            raise _refused(exc) from None
        return Response(DealerVehicleOutput(vehicle).data)
