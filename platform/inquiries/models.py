"""Buyers' questions to dealers: one private thread per buyer and vehicle, its messages, the senders a
dealer blocked, and the broker a buyer came through."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class Inquiry(models.Model):
    """A private thread between one buyer and the members of the vehicle's dealer."""

    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.CASCADE, related_name="inquiries")
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.CASCADE, related_name="inquiries")
    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.CASCADE, related_name="inquiries")
    # Made when the first message reaches the dealer; later messages update it.
    lead = models.OneToOneField("sales.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry")
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="brokered_inquiries"
    )
    created_at = models.DateTimeField(db_default=Now())
    # When the dealer could first read it (a guest's thread waits for the guest's code).
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(db_default=Now())
    # The oldest buyer message the dealer has not answered; empty when the dealer spoke last.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    # The dealer's first answer: the response time is first_response_at - delivered_at.
    first_response_at = models.DateTimeField(null=True, blank=True)
    buyer_read_at = models.DateTimeField(null=True, blank=True)
    dealer_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "inquiries"
        constraints = [
            models.UniqueConstraint(fields=["buyer", "vehicle"], name="inquiry_one_per_buyer_vehicle"),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(delivered_at__isnull=False),
                name="inquiry_answered_after_delivery",
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "awaiting_since"], name="inquiry_inbox"),
            models.Index(fields=["dealer", "delivered_at"], name="inquiry_dealer_delivered"),
        ]


class InquiryMessage(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_dealer = models.BooleanField()
    # Plain text, shown escaped (never as HTML).
    body = models.TextField()
    # A guest's message waits here until the guest confirms their phone or e-mail: never delivered before.
    held = models.BooleanField(default=False)
    # Chosen by the form when it is drawn: a second click of the same form sends the same key, one message.
    client_key = models.UUIDField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "client_key"], name="inquiry_message_once"),
            models.CheckConstraint(condition=Q(body__regex=r"\S"), name="inquiry_message_not_blank"),
        ]
        indexes = [models.Index(fields=["author", "created_at"])]


class Block(models.Model):
    """A dealer refuses further messages from this buyer (and from guests with the same phone or e-mail)."""

    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.CASCADE, related_name="blocks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The blocked buyer's phone (E.164) or e-mail when they are a guest: a new guest account with it is
    # blocked too.
    contact = models.CharField(max_length=254, blank=True)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dealer", "user"], name="block_once")]
        indexes = [models.Index(fields=["dealer", "contact"])]


class Referral(models.Model):
    """The broker a buyer came through (their referral link, or a lead the broker registered for them).
    The first broker stays: a later link does not take the buyer over."""

    buyer = models.OneToOneField("buyers.Buyer", on_delete=models.CASCADE, related_name="referral")
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals")
    created_at = models.DateTimeField(db_default=Now())
