"""Staff view of the model registry, the served scores and the drift reports (read-only: they are computed)."""

from django.contrib import admin

from nzila.read_only_admin import ReadOnlyAdmin

from .models import DriftReport, LeadScore, ScoringModel


class ReadOnly(ReadOnlyAdmin):
    deletable = True


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnly):
    list_display = ("id", "created_at", "algorithm", "is_current", "roc_auc", "rules_roc_auc", "holdout_start")
    list_filter = ("is_current",)

    @admin.display(description="ROC AUC (model)")
    def roc_auc(self, obj):
        return obj.metrics["model"]["roc_auc"]

    @admin.display(description="ROC AUC (rules)")
    def rules_roc_auc(self, obj):
        return obj.metrics["rules"]["roc_auc"]


@admin.register(LeadScore)
class LeadScoreAdmin(ReadOnly):
    list_display = ("lead_id", "score", "arm", "rules_score", "model_score", "model_id", "computed_at")
    list_filter = ("arm",)


@admin.register(DriftReport)
class DriftReportAdmin(ReadOnly):
    list_display = ("id", "created_at", "model_id", "leads", "alert", "drifted")
    list_filter = ("alert",)
