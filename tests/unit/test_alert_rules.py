"""ops/alerts.yml: valid rules, and every metric they use is one /metrics exports."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXPORTERS = (ROOT / "api" / "metrics.py", ROOT / "api" / "request_metrics.py")
HISTOGRAM_SUFFIXES = ("_bucket", "_count", "_sum")


def test_every_rule_uses_exported_metrics():
    exported = set()
    for path in EXPORTERS:
        exported |= set(re.findall(r'"(nzila_[a-z0-9_]+)"', path.read_text()))
    exported |= {f"nzila_sync_{key}" for key in ("lag_seconds", "backlog", "dead_letters", "retrying", "listable_rows")}
    groups = yaml.safe_load((ROOT / "ops" / "alerts.yml").read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 10
    for rule in rules:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        assert rule["labels"]["severity"] in {"page", "warn"}
        for name in re.findall(r"nzila_[a-z0-9_]+", rule["expr"]):
            base = next((name[: -len(s)] for s in HISTOGRAM_SUFFIXES if name.endswith(s)), name)
            assert name in exported or base in exported, f"{rule['alert']}: {name} is not exported"


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: bin/setup installs it (Debian package prometheus)"
    return found


def test_the_rules_load_in_prometheus():
    result = subprocess.run([promtool(), "check", "rules", str(ROOT / "ops" / "alerts.yml")], capture_output=True)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


SCRAPE = '{instance="web:8000", job="nzila"}'
BACKUP_TOO_OLD = {
    "exp_labels": {"severity": "page", "instance": "web:8000", "job": "nzila"},
    "exp_annotations": {
        "summary": "The last good backup of Postgres is {} old",
        "description": "See the runbook in docs/operations.md (Backups): `pgbackrest info`, the worker's log, "
        "`backups.tasks.take_base_backup`.",
    },
}


def test_backup_too_old_fires_past_the_max_age_and_not_before(tmp_path):
    """Prometheus' own rule tests (promtool): a backup taken at 01:00 and never again, with a 26-hour
    limit, alerts from 27:00 on; daily backups never do; no backup at all (0: the Unix epoch, promtool's
    start) alerts as soon as the clock is past the limit, which a real clock always is."""
    hour = 3600
    cases = {
        "stuck": ("3600x3000", [("26h", None), ("28h", "1d 3h 0m 0s")]),
        "daily": (" ".join(str((m // (24 * 60)) * 24 * hour + hour) for m in range(0, 60 * 60, 10)), [("50h", None)]),
        "never": ("0x2000", [("27h", "1d 3h 0m 0s")]),
    }
    tests = []
    for name, (values, checks) in cases.items():
        series = SCRAPE.replace("web:8000", name)
        expected = []
        for at, age in checks:
            alerts = []
            if age is not None:
                alert = json.loads(json.dumps(BACKUP_TOO_OLD).replace("web:8000", name))
                alert["exp_annotations"]["summary"] = alert["exp_annotations"]["summary"].format(age)
                alerts.append(alert)
            expected.append({"eval_time": at, "alertname": "BackupTooOld", "exp_alerts": alerts})
        tests.append(
            {
                "interval": "10m" if name == "daily" else "1m",
                "input_series": [
                    {"series": f"nzila_backup_last_good_timestamp_seconds{series}", "values": values},
                    {"series": f"nzila_backup_max_age_seconds{series}", "values": f"{26 * hour}x3000"},
                ],
                "alert_rule_test": expected,
            }
        )
    spec = tmp_path / "backup-alert-test.yml"
    spec.write_text(yaml.safe_dump({"rule_files": [str(ROOT / "ops" / "alerts.yml")], "tests": tests}))
    result = subprocess.run([promtool(), "test", "rules", str(spec)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_wal_archive_failing_fires_after_ten_minutes_of_failures(tmp_path):
    series = '{instance="db", job="nzila"}'
    failing = {
        "exp_labels": {"severity": "page", "instance": "db", "job": "nzila"},
        "exp_annotations": {
            "summary": "Postgres cannot archive its WAL to the backup repository",
            "description": "The server's log names the error of archive_command (pgbackrest archive-push); "
            "`pgbackrest check` tests the path.",
        },
    }
    spec = tmp_path / "wal-alert-test.yml"
    test = {
        "interval": "1m",
        # Archiving works for 30 minutes, then fails for good.
        "input_series": [{"series": f"nzila_backup_wal_archive_failing{series}", "values": "0x30 1x60"}],
        "alert_rule_test": [
            {"eval_time": "30m", "alertname": "WalArchiveFailing", "exp_alerts": []},
            {"eval_time": "38m", "alertname": "WalArchiveFailing", "exp_alerts": []},
            {"eval_time": "45m", "alertname": "WalArchiveFailing", "exp_alerts": [failing]},
        ],
    }
    spec.write_text(yaml.safe_dump({"rule_files": [str(ROOT / "ops" / "alerts.yml")], "tests": [test]}))
    result = subprocess.run([promtool(), "test", "rules", str(spec)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
