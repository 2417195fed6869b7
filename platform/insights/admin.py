import logging

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from nzila.read_only_admin import ReadOnlyAdmin

from .buffer import normalize_query
from .models import BlockedQuery, SearchClick, SearchLog
from .services import block_queries

log = logging.getLogger(__name__)


class ReadOnly(ReadOnlyAdmin):
    """What buyers searched for is a record: staff read it, nobody edits it."""

    deletable = True


def purge_now(request, phrases: list[str]) -> None:
    """After commit, remove the blocked phrases' suggestions from the live typeahead index, so a block
    takes effect now (the next rebuild leaves them out by itself)."""
    from .suggestions_index import remove_blocked_suggestions  # above search: only when staff block

    def purge() -> None:
        try:
            removed = remove_blocked_suggestions(phrases)
        except Exception as exc:  # the engine is away: the next rebuild leaves them out
            log.warning("suggestions block list: could not purge %s: %s", phrases, exc)
            messages.warning(request, _("Blocked, but the typeahead index could not be reached: %s") % exc)
            return
        messages.info(request, _("%(count)d suggestions removed from typeahead.") % {"count": removed})

    transaction.on_commit(purge)


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnly):
    list_display = ("searched_at", "endpoint", "query_text", "result_count", "latency_ms", "user")
    list_filter = ("endpoint",)
    search_fields = ("query_text", "normalized_query")
    date_hierarchy = "searched_at"
    actions = ["block_from_suggestions"]

    @admin.action(description=_("Never suggest these queries"))
    def block_from_suggestions(self, request, queryset):
        phrases = block_queries(
            list(queryset.values_list("normalized_query", flat=True)), by_id=request.user.pk, reason="search log"
        )
        purge_now(request, phrases)


@admin.register(SearchClick)
class SearchClickAdmin(ReadOnly):
    list_display = ("clicked_at", "search_id", "vehicle_id", "position")


class BlockedQueryForm(forms.ModelForm):
    class Meta:
        model = BlockedQuery
        fields = ("phrase", "reason")

    def clean_phrase(self) -> str:
        """Stored as queries are counted (lower case, accents folded), so "Cheap-Cars" blocks "cheap-cars"."""
        phrase = normalize_query(self.cleaned_data["phrase"])
        if not phrase:
            raise forms.ValidationError(_("Type at least one letter or digit."))
        if BlockedQuery.objects.filter(phrase=phrase).exists():
            raise forms.ValidationError(_("This phrase is blocked already."))
        return phrase


@admin.register(BlockedQuery)
class BlockedQueryAdmin(admin.ModelAdmin):
    """Phrases never suggested: typeahead and the zero-result page's popular searches, from the moment
    a row is saved. Deleting a row lets the phrase back at the next rebuild."""

    form = BlockedQueryForm
    list_display = ("phrase", "reason", "blocked_at", "blocked_by")
    search_fields = ("phrase",)
    fields = ("phrase", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.blocked_by = request.user
        super().save_model(request, obj, form, change)
        purge_now(request, [obj.phrase])
