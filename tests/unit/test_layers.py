"""Imports point down: a lower layer never imports what sits above it or what imports it back."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(folder: Path, package: str) -> dict[str, set[str]]:
    """Every module each file of `folder` imports, relative imports resolved against `package`."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [*package.split("."), *path.relative_to(folder).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = parts[: len(parts) - node.level] if node.level else []
                if path.name == "__init__.py" and node.level:
                    base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    "folder,package,forbidden",
    [
        # insights reads the search log back through search.client: search hands it lines by a sink.
        ("search", "search", "insights"),
        # tasks.py imports the services; the services queue tasks by name (payments/later.py).
        ("platform/payments/services", "payments.services", "payments.tasks"),
        # The pipeline's stages queue the next by name (notifications/task_names.py).
        ("platform/notifications", "notifications", "notifications.tasks"),
    ],
)
def test_no_import_points_up(folder, package, forbidden):
    # The tasks module itself, and the admin (the top of the app), may import the tasks.
    allowed = {f"{folder}/tasks.py", f"{folder}/admin.py"}
    offenders = {
        path: sorted(n for n in names if n == forbidden or n.startswith(forbidden + "."))
        for path, names in imported_modules(ROOT / folder, package).items()
        if path not in allowed
    }
    assert not {path: names for path, names in offenders.items() if names}


def test_every_scheduled_task_is_registered_where_its_app_keeps_it():
    """Domain jobs live in their apps (sales/tasks.py, catalog/tasks.py); the beat schedule and the
    routes name them as before, so each name must still reach a task once the apps are discovered."""
    from celery import current_app
    from django.conf import settings

    current_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(current_app.tasks) == set()
    jobs_tasks = (ROOT / "platform/jobs/tasks.py").read_text()
    assert "stalled_deals" not in jobs_tasks and "price_changes" not in jobs_tasks
