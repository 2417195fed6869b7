"""API tokens: made and revoked by their holder (on the account page or through the API), audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from . import roles
from .audit import record
from .models import ApiToken, SignInEvent

# Tokens one account may hold at once; old ones must be revoked first.
MAX_TOKENS_PER_USER = 20


class TokenLimitReached(Exception):
    pass


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def token_create(*, user, name: str, request=None, within_roles: set[str] | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` with the roles they hold now (narrowed to `within_roles`, the roles of the
    token that asks for it, so a token can never make a stronger one). Returns it and the secret, which
    is never stored and cannot be shown again."""
    # The holder's row is locked, so parallel requests count and insert one after another: locking the
    # tokens themselves would not stop two requests that both count 19 from inserting the 20th and 21st.
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    if tokens_of(user).count() >= MAX_TOKENS_PER_USER:
        raise TokenLimitReached(f"at most {MAX_TOKENS_PER_USER} tokens; revoke one first")
    scope = roles.roles_of(user)
    if within_roles is not None:
        scope &= within_roles
    token, secret = ApiToken.objects.create(user=user, name=name, roles=sorted(scope))
    record(SignInEvent.Kind.TOKEN_CREATED, request=request, user=user, detail=name)
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, request=None) -> None:
    record(SignInEvent.Kind.TOKEN_REVOKED, request=request, user=token.user, detail=token.name)
    token.delete()
