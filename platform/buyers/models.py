"""Buyers and what they looked at (view history feeds "buyers who viewed this also viewed")."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Buyer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer")
    full_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    phone_e164 = models.CharField(max_length=16, blank=True)
    # IANA zone name, so messages respect the buyer's own quiet hours.
    time_zone = models.CharField(max_length=64, default="Africa/Nairobi")
    # The destination port delivered prices are shown for (UN/LOCODE, delivery.Port), chosen once on
    # the search page and kept here for a signed-in buyer; blank: not chosen.
    destination_port = models.CharField(max_length=5, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="buyer_country_iso"),
            models.CheckConstraint(
                condition=Q(phone_e164="") | Q(phone_e164__regex=r"^\+[1-9][0-9]{6,14}$"), name="buyer_phone_e164"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class VehicleView(models.Model):
    """One look at a vehicle's page, by a signed-in user or an anonymous session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    session_key = models.CharField(max_length=64, blank=True)
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.CASCADE, related_name="views")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dwell_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["vehicle", "viewed_at"]),
            models.Index(fields=["user", "viewed_at"]),
            models.Index(fields=["session_key", "viewed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""), name="view_has_user_or_session"
            ),
            models.CheckConstraint(condition=Q(dwell_seconds__lte=86400), name="view_dwell_bounded"),
        ]
