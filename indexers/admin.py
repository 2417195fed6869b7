from django.contrib import admin, messages

from .drain import replay_dead_letters
from .models import IndexBuild, ReconciliationRun, SearchChange


@admin.register(SearchChange)
class SearchChangeAdmin(admin.ModelAdmin):
    """Pending search changes and dead letters (filter by "dead"); replay puts them back in line."""

    list_display = ("id", "entity", "object_id", "version", "captured_at", "attempts", "dead", "short_error")
    list_filter = ("dead", "entity")
    search_fields = ("object_id",)
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="last error")
    def short_error(self, change):
        return change.last_error[:120]

    @admin.action(description="Replay selected dead letters")
    def replay(self, request, queryset):
        count = replay_dead_letters(list(queryset.filter(dead=True).values_list("id", flat=True)))
        self.message_user(request, f"{count} dead letter(s) put back in line.", messages.SUCCESS)


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    list_display = (
        "finished_at",
        "index_name",
        "rows_expected",
        "documents_found",
        "missing",
        "stale",
        "extra",
        "repaired",
    )

    def has_add_permission(self, request):
        return False


admin.site.register(IndexBuild)
