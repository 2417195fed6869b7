"""Notifications: domain events (outbox), what each user is told (notifications), every message sent
(the message log), channel preferences, saved searches and price watches."""

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    IN_APP = "in_app"


class NotificationPreference(models.Model):
    """How a user wants to be told. No row means the defaults (every channel on, quiet 21:00–07:00)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    whatsapp_enabled = models.BooleanField(default=True)
    email_enabled = models.BooleanField(default=True)
    in_app_enabled = models.BooleanField(default=True)
    # Event types the user opted out of (e.g. "price_drop"), on every channel.
    muted_events = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    quiet_hours_enabled = models.BooleanField(default=True)
    quiet_start = models.TimeField(default=time(21, 0))
    quiet_end = models.TimeField(default=time(7, 0))
    # For users without a buyer profile (dealer staff); buyers use buyers.Buyer.time_zone and phone.
    time_zone = models.CharField(max_length=64, blank=True)
    phone_e164 = models.CharField(max_length=16, blank=True)
    # Set when the user replied STOP on WhatsApp; cleared only by the user turning WhatsApp back on.
    whatsapp_opted_out_at = models.DateTimeField(null=True, blank=True)
    # The language of their WhatsApp and e-mail messages: the last one they chose on the site (or here);
    # blank: their country's (notifications/profiles.py).
    language = models.CharField(max_length=8, blank=True, default="", db_default="", choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes (by code through
    `notifications.events.emit`, or by a database trigger), and turned into notifications after commit."""

    event_type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    # Users to tell; empty means the event type's own rule decides (e.g. a deal's buyer and dealer).
    recipients = ArrayField(models.BigIntegerField(), db_default=[], blank=True)
    occurred_at = models.DateTimeField(db_default=Now())
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(db_default=0)
    last_error = models.TextField(db_default="", blank=True)
    next_attempt_at = models.DateTimeField(db_default=Now())
    # Tried NOTIFICATIONS_OUTBOX_MAX_ATTEMPTS times; parked for staff.
    dead = models.BooleanField(db_default=False)
    # Same key, same event: a re-run of a job (a daily reminder, a repeated webhook) does not tell twice.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_ready",
                condition=Q(processed_at__isnull=True, dead=False),
            ),
            models.Index(fields=["processed_at"], name="outbox_processed"),
        ]


class Notification(models.Model):
    """One event for one user. In-app copies are written at once; WhatsApp and email wait until
    `deliver_after` (the batching window, pushed past the user's quiet hours) and go out as one message
    with every other notification of that user due by then."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DISPATCHED = "dispatched"
        SKIPPED = "skipped"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(OutboxEvent, null=True, blank=True, on_delete=models.SET_NULL)
    event_type = models.CharField(max_length=40)
    summary = models.TextField()
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    deliver_after = models.DateTimeField()
    created_at = models.DateTimeField(db_default=Now())
    dispatched_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["deliver_after"], name="notification_due", condition=Q(status="pending")),
            models.Index(fields=["user", "created_at"]),
        ]


class Message(models.Model):
    """The message log: every message sent to anyone, on any channel, with its delivery status."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        DELIVERED = "delivered"
        READ = "read"
        FAILED = "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # E.164 number, e-mail address, or the user id for in-app messages.
    recipient = models.CharField(max_length=254)
    template = models.CharField(max_length=80, blank=True)
    template_params = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # The language it is written in (its WhatsApp template's too); blank on messages older than this field.
    language = models.CharField(max_length=8, blank=True, default="", db_default="")
    notifications = models.ManyToManyField(Notification, blank=True, related_name="messages")
    provider_message_id = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "provider_message_id"], name="message_provider_id_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "delivered", "read", "failed"]), name="message_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["channel", "queued_at"]), models.Index(fields=["user", "queued_at"])]


class SavedSearch(models.Model):
    """A search a buyer keeps, matched against every new or changed vehicle by a percolator query
    registered in the engine."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=120)
    # The search API's parameters as the buyer gave them (to show the search and link back to it).
    params = models.JSONField(default=dict)
    # Those parameters validated by the search API into a search.request.VehicleQuery (`to_dict`), prices
    # in US dollars at the day's rate: the percolator query is built from this with the search's builders.
    query = models.JSONField(default=dict)
    active = models.BooleanField(default=True)
    # Vehicles written at or before this version existed when the search was saved: the buyer saw them.
    since_version = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "saved searches"


class SavedSearchMatch(models.Model):
    """A vehicle a saved search matched: the buyer is told about each pair once."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.CASCADE, related_name="+")
    matched_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "saved search matches"
        constraints = [models.UniqueConstraint(fields=["saved_search", "vehicle"], name="saved_search_match_once")]


class PriceWatch(models.Model):
    """A buyer watching one vehicle: told on each price drop, or once when it reaches the target price."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="price_watches")
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.CASCADE, related_name="watches")
    # In the vehicle's own currency; null means "any drop".
    target_price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)
    # When the target was reached and the buyer told; cleared if the price rises above it again.
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "price watches"
        constraints = [
            models.UniqueConstraint(fields=["user", "vehicle"], name="price_watch_once"),
            models.CheckConstraint(
                condition=Q(target_price__isnull=True) | Q(target_price__gt=0), name="price_watch_target_positive"
            ),
        ]


class UnmatchedStatus(models.Model):
    """A delivery status that arrived before its message's provider id was recorded (the webhook beat
    the sender's commit). Applied as soon as the id is stored."""

    provider_message_id = models.CharField(max_length=200, db_index=True)
    status = models.CharField(max_length=10)
    occurred_at = models.DateTimeField()
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    received_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "unmatched statuses"


class ContactConfirmation(models.Model):
    """A one-time code sent to a phone (WhatsApp) or an e-mail address to prove the person holds it:
    a guest asking a dealer a question, a dealer's WhatsApp number. Only the code's HMAC is kept; a
    code dies after its expiry or after NOTIFICATIONS_CODE_MAX_ATTEMPTS wrong tries."""

    class Purpose(models.TextChoices):
        GUEST_INQUIRY = "guest_inquiry"
        DEALER_PHONE = "dealer_phone"

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # E.164 number or lower-cased e-mail address.
    address = models.CharField(max_length=254)
    # What the code confirms for: the guest's user, the dealer. Checked again when the code is used.
    subject_id = models.BigIntegerField()
    code_hmac = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["address", "created_at"]),
            models.Index(fields=["purpose", "subject_id", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["guest_inquiry", "dealer_phone"]), name="confirmation_purpose_valid"
            ),
            models.CheckConstraint(condition=Q(channel__in=["whatsapp", "email"]), name="confirmation_channel_valid"),
        ]
