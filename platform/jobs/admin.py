from django.contrib import admin, messages

from .deadletters import replay
from .models import DeadLetter, FollowUpMark, JobCursor, ScheduleRun, TrackedTask


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ("id", "task_name", "exception_type", "attempts", "failed_at", "replayed_at", "replay_count")
    list_filter = ("task_name", ("replayed_at", admin.EmptyFieldListFilter))
    search_fields = ("task_id", "task_name", "error")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["replay_selected"]

    @admin.action(description="Replay the selected tasks")
    def replay_selected(self, request, queryset):
        ids = [replay(letter) for letter in queryset]
        self.message_user(request, f"Replayed {len(ids)} task(s).", messages.SUCCESS)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ("task_name", "last_started_at", "last_finished_at", "last_state", "runs", "failures")


@admin.register(TrackedTask)
class TrackedTaskAdmin(admin.ModelAdmin):
    list_display = ("task_id", "task_name", "owner", "created_at")
    raw_id_fields = ("owner",)


admin.site.register(JobCursor)
admin.site.register(FollowUpMark)
