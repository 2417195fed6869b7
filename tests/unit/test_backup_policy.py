"""When beat's task takes a base backup, and of which kind (backups/policy.py)."""

from backups.policy import due_kind

HOUR, DAY = 3600, 86400
NOW = 100 * DAY


def backup(kind: str, days_ago: float) -> dict:
    return {"type": kind, "timestamp": {"start": NOW - days_ago * DAY - 60, "stop": NOW - days_ago * DAY}}


def due(*backups: dict) -> str | None:
    return due_kind(list(backups), now=NOW, every_hours=24, full_every_days=7)


def test_the_first_backup_is_a_full_one():
    assert due() == "full"


def test_nothing_is_due_while_the_newest_is_recent():
    assert due(backup("full", 3), backup("diff", 0.5)) is None


def test_a_differential_backup_is_due_daily_within_the_week_of_a_full_one():
    assert due(backup("full", 3), backup("diff", 1.01)) == "diff"


def test_a_full_backup_is_due_once_the_newest_full_one_is_a_week_old():
    assert due(backup("full", 7), backup("diff", 1.5)) == "full"
    assert due(backup("diff", 2)) == "full"  # only differentials left: start a new chain
