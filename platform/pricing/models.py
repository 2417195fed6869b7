"""The market-value model registry: one row per trained model, exactly one current."""

from django.db import models
from django.db.models import Q


class MarketValueModel(models.Model):
    """One trained market-value model: its file, its data, and how it did on held-out listings."""

    created_at = models.DateTimeField(auto_now_add=True)
    algorithm = models.CharField(max_length=200)
    features = models.JSONField()
    # What it learned from: the files, the rows used in each part, SHA-256 of the rows and prices.
    data_source = models.CharField(max_length=300)
    data_hash = models.CharField(max_length=64)
    rows = models.JSONField(default=dict)
    # Relative to MARKET_VALUE_MODEL_DIR.
    artefact_path = models.CharField(max_length=300)
    # {"model": {segment: {...}}, "median": {...}, "linear": {...}} on the test part.
    metrics = models.JSONField()
    # Training distribution of the numeric features and of the predicted value (drift reference).
    reference = models.JSONField(default=dict)
    promoted_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=False)
    promotion_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_market_model"
            )
        ]

    def __str__(self) -> str:
        return f"market-value model {self.pk}"
