"""The in-app inbox and notification preferences."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.openapi import LocalTimeField, results_of
from notifications import services
from notifications.models import Notification, NotificationPreference
from notifications.quiet_hours import zone
from notifications.selectors import inbox


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "event_type", "summary", "context", "created_at", "read_at"]


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Your notifications, newest first", responses=results_of(NotificationSerializer))
    def get(self, request):
        unread = request.query_params.get("unread") in ("1", "true", "yes")
        return Response({"results": NotificationSerializer(inbox(request.user, unread_only=unread), many=True).data})


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=500)


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Mark notifications read",
        request=MarkReadSerializer,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"marked": services.notifications_mark_read(user=request.user, ids=data.validated_data["ids"])})


class PreferenceSerializer(serializers.ModelSerializer):
    quiet_start = LocalTimeField(required=False)
    quiet_end = LocalTimeField(required=False)

    class Meta:
        model = NotificationPreference
        fields = [
            "whatsapp_enabled",
            "email_enabled",
            "in_app_enabled",
            "muted_events",
            "quiet_hours_enabled",
            "quiet_start",
            "quiet_end",
            "time_zone",
            "phone_e164",
            "language",
            "whatsapp_opted_out_at",
        ]
        read_only_fields = ["whatsapp_opted_out_at"]

    def validate_time_zone(self, value):
        if value and zone(value, "UTC").key != value:
            raise serializers.ValidationError("not a known IANA time zone")
        return value

    def validate_phone_e164(self, value):
        from notifications.phones import InvalidPhone, normalise_phone

        if not value:
            return value
        try:
            return normalise_phone(value)
        except InvalidPhone as exc:
            raise serializers.ValidationError(str(exc)) from exc


class PreferenceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Your notification preferences", responses=PreferenceSerializer)
    def get(self, request):
        return Response(PreferenceSerializer(services.preferences_for(request.user)).data)

    @extend_schema(
        summary="Change your notification preferences", request=PreferenceSerializer, responses=PreferenceSerializer
    )
    def patch(self, request):
        data = PreferenceSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        pref = services.preferences_update(user=request.user, **data.validated_data)
        return Response(PreferenceSerializer(pref).data)
