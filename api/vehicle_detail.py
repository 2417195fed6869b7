"""GET /api/v1/vehicles/<id>: one vehicle with every spec, its dealer and similar vehicles (the vehicle page's data)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Vehicle
from search.detail import vehicle_detail
from search.params import CurrencyField, PortField, StrictParams

from .search_schemas import DealerSchema, ImageSchema, MoneySchema, SimilarVehicleSchema
from .vehicles import validated


class VehicleDetailParams(StrictParams):
    currency = CurrencyField(required=False, default="USD", help_text="Currency of display_price (ISO 4217).")
    port = PortField(required=False, help_text="Destination port of the delivered-price breakdown (UN/LOCODE or name).")
    similar = serializers.IntegerField(
        min_value=0, max_value=20, required=False, default=6, help_text="How many similar vehicles (0: none)."
    )


class SpecsSchema(serializers.Serializer):
    mileage_km = serializers.IntegerField(allow_null=True)
    condition = serializers.CharField()
    body = serializers.CharField()
    fuel = serializers.CharField()
    transmission = serializers.CharField()
    drivetrain = serializers.CharField()
    engine = serializers.CharField()
    colour = serializers.CharField()
    interior_colour = serializers.CharField()
    vin = serializers.CharField()


class DetailDealerSchema(DealerSchema):
    whatsapp = serializers.CharField(help_text="The dealer's phone and WhatsApp number (E.164), or empty.")


class DealSchema(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=["great", "good", "fair", "high", "overpriced", "unknown"],
        help_text="The price against the market value; unknown = not enough similar listings to value it.",
    )
    gap = serializers.FloatField(allow_null=True, help_text="Price / market value - 1 (-0.12 = 12 % below).")
    value = MoneySchema(help_text="Market value in the requested currency (null amount: not enough data).")
    low = MoneySchema(help_text="Low end of the 80 % interval of similar listings' prices.")
    high = MoneySchema(help_text="High end of the 80 % interval.")
    sentence = serializers.CharField(help_text="Why, in one sentence, in the request's language.")


class VehicleDetailResponse(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField(help_text="The readable part of the page address /vehicles/<id>/<slug>/.")
    title = serializers.CharField()
    make = serializers.CharField()
    model = serializers.CharField()
    trim = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    available = serializers.BooleanField(help_text="False once sold or withdrawn (the vehicle is kept).")
    price = MoneySchema(help_text="As listed.")
    display_price = MoneySchema(help_text="In the requested currency.")
    price_usd = serializers.FloatField()
    deal = DealSchema()
    specs = SpecsSchema()
    features = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    photos = ImageSchema(many=True, help_text="Ready photos in the dealer's order, the cover first.")
    country = serializers.CharField()
    city = serializers.CharField()
    listed_at = serializers.DateTimeField()
    dealer = DetailDealerSchema()
    delivery = serializers.JSONField(
        help_text="Landed estimate per port (`ports`); with `port`, that port's breakdown (`chosen`: FOB, inland, "
        "freight, insurance, CIF, duty, excise, surcharge, VAT, levies, landed, sources and the date of the rates) "
        "and its country's import verdict with the rule and its source (`verdict`). Estimates, not quotes."
    )
    similar = SimilarVehicleSchema(many=True)


class VehicleDetailApi(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="One vehicle",
        parameters=[VehicleDetailParams],
        responses=VehicleDetailResponse,
        description="Every spec from the system of record, the price in the requested currency, the "
        "dealer, and similar vehicles on sale with their reasons. Sold and withdrawn vehicles are "
        "still returned, with available=false.",
    )
    def get(self, request, vehicle_id: int):
        params = validated(VehicleDetailParams, request.query_params)
        try:
            return Response(
                vehicle_detail(
                    vehicle_id=vehicle_id,
                    currency=params["currency"],
                    similar=params["similar"],
                    port=params.get("port", ""),
                )
            )
        except Vehicle.DoesNotExist as exc:
            raise NotFound("No vehicle with this id.") from exc
