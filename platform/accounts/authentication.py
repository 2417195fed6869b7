"""API authentication: knox tokens, limited to the roles each token was made with."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from . import roles

# last_used_at is written at most this often per token, so authenticating stays a read.
LAST_USED_RESOLUTION = timedelta(minutes=5)
TOKEN_SHAPE = re.compile(rb"[A-Za-z0-9_]{1,200}")


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token nzila_...`. One indexed lookup and one SHA-512, no password hashing.

    The request's roles are the holder's current roles that the token was made with; a token made before
    its holder became staff is refused rather than silently gaining staff rights."""

    def authenticate_credentials(self, token: bytes):
        # Knox tokens are a prefix and hex digits; anything else (NUL, non-ASCII) never reaches the database.
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        held = roles.roles_of(user)
        if roles.STAFF in held and roles.STAFF not in auth_token.roles:
            raise exceptions.AuthenticationFailed("This token was made before its holder became staff; make a new one.")
        allowed = held & set(auth_token.roles)
        if not allowed:
            raise exceptions.AuthenticationFailed("This token's roles are no longer held by its holder.")
        roles.limit_roles(user, allowed)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USED_RESOLUTION:
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used_at=now)
        return user, auth_token
