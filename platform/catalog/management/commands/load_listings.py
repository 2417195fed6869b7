"""Load the published vehicle listings (../shared/data) into the catalog; safe to re-run."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.ingest.loader import load_source
from catalog.ingest.readers import SOURCES
from catalog.ingest.writer import ListingWriter

DEFAULT_DATA_DIR = settings.BASE_DIR.parent / "shared" / "data"


class Command(BaseCommand):
    help = "Load the real listings of five markets, normalised, upserted by source key; rejects are reported."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help=f"folder holding the published files (default {DEFAULT_DATA_DIR})",
        )
        parser.add_argument("--only", default="", help=f"comma-separated sources: {', '.join(SOURCES)}")
        parser.add_argument("--limit", type=int, default=None, help="read at most N rows of each file")
        parser.add_argument(
            "--report-dir",
            type=Path,
            default=settings.VAR_DIR / "import-reports",
            help="where <file>-rejects.csv and <file>-notes.csv go",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(
        self, *args, data_dir: Path, only: str, limit: int | None, report_dir: Path, no_progress: bool, **options
    ):
        names = [name.strip() for name in only.split(",") if name.strip()] or list(SOURCES)
        unknown = sorted(set(names) - set(SOURCES))
        if unknown:
            raise CommandError(f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(SOURCES)}")
        sources = [SOURCES[name]() for name in names]
        load_sources(self, sources, data_dir, limit=limit, report_dir=report_dir, progress=not no_progress)
        self.stdout.write(f"Reports in {report_dir}")


def load_sources(command: BaseCommand, sources, data_dir: Path, *, limit, report_dir: Path, progress: bool):
    """Load each source and print per-file reports and the totals; shared with load_demo_data."""
    started = time.monotonic()
    writer = ListingWriter()
    reports = []
    for source in sources:
        try:
            reports += load_source(
                source, data_dir, writer=writer, report_dir=report_dir, limit=limit, progress=progress
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
    elapsed = time.monotonic() - started
    for report in reports:
        command.stdout.write(report.summary())
    totals = {
        key: sum(getattr(r, key) for r in reports)
        for key in ("read", "loaded", "created", "updated", "unchanged", "rejected")
    }
    rate = totals["read"] / max(elapsed, 1e-9)
    command.stdout.write(
        command.style.SUCCESS(
            "Total: read {read}, loaded {loaded} (created {created}, updated {updated}, unchanged {unchanged}), "
            "rejected {rejected}".format(**totals)
            + f" in {elapsed:.1f}s ({rate:,.0f} rows/s)"
        )
    )
    return reports
