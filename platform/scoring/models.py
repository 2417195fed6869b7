"""The lead model registry, each lead's served score, and the drift reports.

Outcomes are not stored: they are derived from leads and deals whenever a model is trained
(scoring/outcomes.py), so a label can never disagree with the rows it comes from.
"""

from django.db import models
from django.db.models import Q


class ScoringModel(models.Model):
    """One trained lead model: where its file is, what it was trained on, and how it did on held-out leads."""

    created_at = models.DateTimeField(auto_now_add=True)
    algorithm = models.CharField(max_length=80)
    # Names of the features, in the order the artefact expects them.
    features = models.JSONField()
    # Leads created in [train_start, holdout_start) trained and calibrated it; [holdout_start, holdout_end)
    # is the held-out period both it and the rules were measured on.
    train_start = models.DateTimeField()
    holdout_start = models.DateTimeField()
    holdout_end = models.DateTimeField()
    # SHA-256 of the feature rows and labels it was trained and evaluated on.
    data_hash = models.CharField(max_length=64)
    # Relative to SCORING_MODEL_DIR.
    artefact_path = models.CharField(max_length=300)
    # {"model": {...}, "rules": {...}}: ROC AUC, PR AUC, Brier, calibration table, top-10% precision/recall, lift.
    metrics = models.JSONField()
    # Training-data bins of each feature and of the score, the reference of the drift report.
    reference = models.JSONField(default=dict)
    # Leads in each part: {"train", "calibration", "holdout"}.
    rows = models.JSONField(default=dict)
    promoted_at = models.DateTimeField(null=True, blank=True)
    # Exactly one model is current (the one that serves); promotion moves the flag.
    is_current = models.BooleanField(default=False)
    promotion_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_model")
        ]

    def __str__(self) -> str:
        return f"lead model {self.pk} ({self.algorithm})"


class LeadScore(models.Model):
    """The score a lead shows (0-100), the arm it came from, and both arms' scores for the A/B report."""

    class Arm(models.TextChoices):
        RULES = "rules"
        MODEL = "model"

    lead = models.OneToOneField("sales.Lead", on_delete=models.CASCADE, related_name="score")
    arm = models.CharField(max_length=5, choices=Arm.choices)
    score = models.PositiveSmallIntegerField()
    rules_score = models.PositiveSmallIntegerField()
    model_score = models.PositiveSmallIntegerField(null=True, blank=True)
    model = models.ForeignKey(ScoringModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # [{"feature", "value", "effect"}], largest effect first: why the shown score is what it is.
    reasons = models.JSONField(default=list)
    # Hash of the features scored, so a refresh writes only when something changed.
    features_hash = models.CharField(max_length=64)
    assigned_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(arm__in=["rules", "model"]), name="lead_score_arm_valid"),
            models.CheckConstraint(condition=Q(score__lte=100) & Q(rules_score__lte=100), name="lead_score_0_100"),
        ]


class DriftReport(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="drift_reports")
    window_start = models.DateTimeField()
    leads = models.PositiveIntegerField()
    # {feature: psi}; "score" is the score distribution's.
    psi = models.JSONField()
    alert = models.BooleanField(default=False)
    drifted = models.JSONField(default=list)
