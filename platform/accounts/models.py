"""API tokens (django-rest-knox's token, with a name and the roles it may use) and the sign-in audit."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A personal API token. Knox keeps only a hash of it; the token itself is shown once, at creation.

    `roles` are the holder's roles when it was made: a token never gains a role its holder gets later,
    and loses any the holder loses."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    roles = ArrayField(models.CharField(max_length=20), default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class SignInEvent(models.Model):
    """One line of the sign-in audit: who, from where, what happened. Written for the sign-in form, the
    admin's, the API's password exchange, and API token creation and revocation."""

    class Kind(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Wrong credentials"
        LOCKOUT = "lockout", "Locked out"
        SIGN_OUT = "sign_out", "Signed out"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What was typed (kept even when no such account exists: that is what an attack looks like).
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    # Where: "form", "admin", "api", or the token's name.
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "sign-in event"
        verbose_name_plural = "sign-in events"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} at {self.at:%Y-%m-%d %H:%M}"


class DealerInvitation(models.Model):
    """An invitation to join a dealer's members, sent by one of its admins to an e-mail address. The
    person behind the address becomes a member only by accepting it, before it expires."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        WITHDRAWN = "withdrawn"

    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.CASCADE, related_name="invitations")
    # As the admin typed it; matched without regard to case against the accounts' (confirmed) addresses.
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # Inviting the same address again renews the pending invitation instead of adding a second.
            models.UniqueConstraint(
                Lower("email"),
                "dealer",
                condition=models.Q(state="pending"),
                name="one_pending_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.dealer_id} ({self.state})"
