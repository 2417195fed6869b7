from django.contrib import admin

from nzila.read_only_admin import ReadOnlyAdmin

from .models import SearchClick, SearchLog


class ReadOnly(ReadOnlyAdmin):
    """What buyers searched for is a record: staff read it, nobody edits it."""

    deletable = True


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnly):
    list_display = ("searched_at", "endpoint", "query_text", "result_count", "latency_ms", "user")
    list_filter = ("endpoint",)
    search_fields = ("query_text", "normalized_query")
    date_hierarchy = "searched_at"


@admin.register(SearchClick)
class SearchClickAdmin(ReadOnly):
    list_display = ("clicked_at", "search_id", "vehicle_id", "position")
