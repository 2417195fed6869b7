"""Task names: each names the module the task lives in, every scheduled name reaches a task, and the
names sales' and catalog's jobs had before they moved out of jobs/tasks.py still reach the same task."""

from pathlib import Path

from celery import current_app
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Registered as jobs.tasks.<name> until 2026-12; messages may still be queued under those names.
MOVED = {
    "sales.tasks": [
        "find_stalled_deals",
        "follow_up_stalled_deals",
        "find_delayed_shipments",
        "notify_delayed_shipments",
        "sweep_shipment_updates",
        "notify_shipment_updates",
        "send_commission_statements",
        "accrue_broker_commissions",
    ],
    "catalog.tasks": ["check_price_changes", "record_price_changes"],
}


def test_every_scheduled_task_is_registered():
    current_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(current_app.tasks) == set()


def test_a_task_is_named_after_the_module_that_holds_it():
    current_app.loader.import_default_modules()
    ours = {name: task for name, task in current_app.tasks.items() if not name.startswith("celery.")}
    old_names = {f"jobs.tasks.{name}" for names in MOVED.values() for name in names}
    misnamed = {
        name: task.run.__module__
        for name, task in ours.items()
        if name not in old_names and not name.startswith(task.run.__module__ + ".")
    }
    assert misnamed == {}


def test_the_old_names_of_moved_tasks_run_the_same_function_with_the_same_options():
    current_app.loader.import_default_modules()
    for module, names in MOVED.items():
        for name in names:
            task, alias = current_app.tasks[f"{module}.{name}"], current_app.tasks[f"jobs.tasks.{name}"]
            assert alias.run is task.run
            assert (alias.soft_time_limit, alias.time_limit, alias.acks_late) == (
                task.soft_time_limit,
                task.time_limit,
                task.acks_late,
            )
    jobs_tasks = (ROOT / "platform/jobs/tasks.py").read_text()
    assert "stalled_deals" not in jobs_tasks and "price_changes" not in jobs_tasks
