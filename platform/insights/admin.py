from django.contrib import admin

from .models import SearchClick, SearchLog


class ReadOnly(admin.ModelAdmin):
    """What buyers searched for is a record: staff read it, nobody edits it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnly):
    list_display = ("searched_at", "endpoint", "query_text", "result_count", "latency_ms", "user")
    list_filter = ("endpoint",)
    search_fields = ("query_text", "normalized_query")
    date_hierarchy = "searched_at"


@admin.register(SearchClick)
class SearchClickAdmin(ReadOnly):
    list_display = ("clicked_at", "search_id", "vehicle_id", "position")
