"""Reading a source's files through its reader into the writer, with a report per file."""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from .readers import Source, read_rows
from .records import Reject
from .report import FileReport
from .writer import ListingWriter

BATCH_SIZE = 2000


def load_source(
    source: Source,
    data_dir: Path,
    *,
    writer: ListingWriter,
    report_dir: Path,
    limit: int | None = None,
    progress: bool = True,
) -> list[FileReport]:
    """Load every file of `source` (at most `limit` rows of each); returns one report per file."""
    reports = []
    # Keys seen in this run: a second row with the same key is the same listing published twice.
    seen: dict[str, tuple[str, int]] = {}
    for file in source.files(data_dir):
        if not file.path.exists():
            raise FileNotFoundError(f"{source.name}: {file.path} does not exist")
        report = FileReport(file.report_name)
        batch = []
        rows = tqdm(
            read_rows(file, limit),
            desc=file.report_name,
            unit=" rows",
            total=limit,
            disable=not progress,
            leave=True,
            mininterval=0.5,
        )
        for row in rows:
            report.read += 1
            try:
                listing = source.parse(row, file)
            except Reject as reject:
                for reason, detail in reject.faults:
                    report.reject(row, reason, detail)
                continue
            if listing.source_key in seen:
                where, number = seen[listing.source_key]
                report.reject(row, "duplicate_listing", f"same listing as {where} row {number}")
                continue
            seen[listing.source_key] = (file.report_name, row.number)
            batch.append((row, listing))
            if len(batch) >= BATCH_SIZE:
                writer.write(batch, report)
                batch = []
        writer.write(batch, report)
        report.write(report_dir)
        reports.append(report)
    return reports
