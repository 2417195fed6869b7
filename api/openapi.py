"""Schema helpers shared by the views, so each shape is described once (drf-spectacular)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers


def results_of(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """A list answered as {"results": [...]} (room for paging fields later without breaking clients)."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(f"{name}List", {"results": serializer_class(many=True)})


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$",
        "example": "21:00",
        "description": "A wall-clock time (HH:MM or HH:MM:SS) in the user's own time zone, without an offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """OpenAPI's "time" format demands an offset; a local time of day has none."""
