"""A dealer's vehicle photos: upload (multipart), list, reorder (the first is the cover), delete."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Vehicle
from catalog.services import dealer_vehicle
from media.checks import NO_FILES
from media.models import Photo
from media.selectors import photo_image
from media.services import (
    PhotosRefused,
    add_photos,
    delete_photo,
    read_upload,
    reorder_photos,
    vehicle_photos,
)

from .permissions import IsDealerMemberOrStaff
from .search_schemas import ImageSchema
from .vehicles import validated


class PhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="1 is the cover.")
    status = serializers.ChoiceField(
        choices=Photo.Status.values, help_text="pending: variants being made; failed: see error, then retry."
    )
    error = serializers.CharField()
    filename = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    illustration = serializers.BooleanField()
    image = ImageSchema(allow_null=True, help_text="Null until the photo is ready.")


def photo_output(photo: Photo) -> dict:
    return {
        "id": photo.pk,
        "position": photo.position,
        "status": photo.status,
        "error": photo.error,
        "filename": photo.filename,
        "width": photo.width,
        "height": photo.height,
        "illustration": photo.illustration,
        "image": photo_image(photo),
    }


class PhotoUploadInput(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(), help_text="One or more JPEG, PNG or WebP files (repeat the part)."
    )


class PhotoOrderInput(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=100, help_text="Photo ids, cover first."
    )


def _vehicle(dealer_id: int, vehicle_id: int) -> Vehicle:
    try:
        return dealer_vehicle(dealer_id, vehicle_id)
    except Vehicle.DoesNotExist:
        raise NotFound("No such vehicle in this dealer's inventory.") from None


def refused(exc: PhotosRefused) -> ValidationError:
    """One 400 naming each refused file and why."""
    return ValidationError({"photos": [str(refusal) for refusal in exc.refusals]})


class DealerVehiclePhotosApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(summary="A vehicle's photos", responses=PhotoOutput(many=True))
    def get(self, request, dealer_id: int, vehicle_id: int):
        vehicle = _vehicle(dealer_id, vehicle_id)
        return Response([photo_output(p) for p in vehicle_photos(vehicle.pk)])

    @extend_schema(
        summary="Upload photos",
        request={"multipart/form-data": PhotoUploadInput},
        responses={201: PhotoOutput(many=True)},
        description="Each file is checked by its content: JPEG, PNG or WebP only; no SVG, no truncated "
        "or corrupt file, none over the size or pixel limits, nothing appended or embedded (polyglots). "
        "Any refused file refuses the request (400 naming each file and why) and nothing is stored. "
        "Accepted photos are `pending` until their variants are made (seconds), then `ready`; the "
        "cover reaches search through the normal sync. A file the vehicle already has is not added twice.",
    )
    def post(self, request, dealer_id: int, vehicle_id: int):
        vehicle = _vehicle(dealer_id, vehicle_id)
        files = request.FILES.getlist("photos")
        if not files:
            raise ValidationError({"photos": [str(NO_FILES)]})
        try:
            photos = add_photos(vehicle, [read_upload(f) for f in files])
        except PhotosRefused as exc:
            raise refused(exc) from None
        return Response([photo_output(p) for p in photos], status=201)


class DealerVehiclePhotoOrderApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]

    @extend_schema(
        summary="Reorder photos; the first is the cover",
        request=PhotoOrderInput,
        responses=PhotoOutput(many=True),
        description="Photos left out keep their order after those given.",
    )
    def put(self, request, dealer_id: int, vehicle_id: int):
        vehicle = _vehicle(dealer_id, vehicle_id)
        body = validated(PhotoOrderInput, request.data)
        try:
            photos = reorder_photos(vehicle, body["order"])
        except ValueError as exc:
            raise ValidationError({"order": [str(exc)]}) from None
        return Response([photo_output(p) for p in photos])


class DealerVehiclePhotoApi(APIView):
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, IsDealerMemberOrStaff]

    @extend_schema(summary="Delete a photo", responses={204: OpenApiTypes.NONE})
    def delete(self, request, dealer_id: int, vehicle_id: int, photo_id: int):
        vehicle = _vehicle(dealer_id, vehicle_id)
        try:
            delete_photo(vehicle, photo_id)
        except ValueError:
            raise NotFound("No such photo of this vehicle.") from None
        return Response(status=204)
