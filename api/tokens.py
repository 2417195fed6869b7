"""API tokens: list, create (signed in, or by exchanging a password once) and revoke your own."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles, tokens
from accounts.models import ApiToken

from .openapi import results_of


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    prefix = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "roles", "created", "expiry", "last_used_at"]


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret: shown only in this response.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class TokenInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    # Only without a session or token: the password is checked once (brute-force protected) for a token.
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(max_length=1024, required=False, style={"input_type": "password"})

    def validate(self, attrs):
        if ("username" in attrs) != ("password" in attrs):
            raise serializers.ValidationError({"password": "username and password go together"})
        for field in ("username", "password"):
            if "\x00" in attrs.get(field, ""):
                raise serializers.ValidationError({field: "must not contain NUL characters"})
        return attrs


def _token_holder(request, data):
    """The user the new token is for: the signed-in one, or whoever the password belongs to."""
    if request.user and request.user.is_authenticated:
        return request.user
    if "username" not in data:
        raise exceptions.NotAuthenticated("Sign in, send a token, or send username and password.")
    # The Django request: django-axes marks a locked-out one, and its middleware answers 429.
    user = authenticate(request._request, username=data["username"], password=data["password"])
    if user is None or not user.is_active:
        raise exceptions.AuthenticationFailed("Wrong username or password.")
    return user


class TokenListApi(APIView):
    # Creating works without credentials (the password exchange); everything else needs an account.
    permission_classes: list = []

    @extend_schema(summary="Your API tokens (never their secrets)", responses=results_of(TokenSerializer))
    def get(self, request):
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        return Response({"results": TokenSerializer(tokens.tokens_of(request.user), many=True).data})

    @extend_schema(
        summary="Make an API token (signed in, or with username and password); the secret is shown once",
        request=TokenInputSerializer,
        responses={
            201: NewTokenSerializer,
            401: OpenApiResponse(description="No or wrong credentials"),
            429: OpenApiResponse(description="Too many failed sign-ins: locked for a while"),
        },
    )
    def post(self, request):
        signed_in = request.user and request.user.is_authenticated
        if not signed_in and not (isinstance(request.data, dict) and "username" in request.data):
            raise exceptions.NotAuthenticated("Sign in, send a token, or send username and password.")
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _token_holder(request, data.validated_data)
        # A token asking for a token passes on at most its own roles.
        within = roles.roles_of(user) if isinstance(request.auth, ApiToken) else None
        try:
            token, secret = tokens.token_create(
                user=user, name=data.validated_data["name"], request=request._request, within_roles=within
            )
        except tokens.TokenLimitReached as exc:
            raise exceptions.ValidationError({"name": str(exc)}) from None
        token.token = secret
        response = Response(NewTokenSerializer(token).data, status=201)
        add_never_cache_headers(response)  # the answer holds the secret: no cache may keep it
        return response


class TokenDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Revoke one of your API tokens", responses={204: None})
    def delete(self, request, token_id):
        token = get_object_or_404(ApiToken, uid=token_id, user=request.user)
        tokens.token_revoke(token=token, request=request._request)
        return Response(status=204)
