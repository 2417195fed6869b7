"""What every source reader shares: opening a CSV in place, numbering its rows, naming sellers."""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nzila.text_input import unstorable_character

from ..records import DealerRecord, Listing, Reject

# Some sources' free-text fields are long (Craigslist descriptions); the csv default of 128 KiB is not.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    # Names the report files: var/import-reports/<report_name>-rejects.csv
    report_name: str
    encoding: str = "utf-8"
    delimiter: str = ","


@dataclass(frozen=True)
class RawRow:
    number: int  # data row number, 1 = the first row after the header
    line: int  # the file line the row starts on, for finding it in an editor
    values: dict[str, str]


class Source:
    """One published data set: where its files are and how one of its rows becomes a Listing."""

    name: str = ""
    market: str = ""
    currency: str = ""
    # The year the data was collected: a car's age, and so its depreciation, is counted from it.
    vintage: int = 0

    def files(self, data_dir: Path) -> list[SourceFile]:
        raise NotImplementedError

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        """A Listing from one row, or Reject with the reason it cannot be one."""
        raise NotImplementedError


def read_rows(file: SourceFile, limit: int | None = None) -> Iterator[RawRow]:
    """The file's rows in order, read in place (gzip too); malformed rows are yielded, not skipped."""
    opener: Callable = gzip.open if file.path.suffix == ".gz" else open
    # cp1252 files (the German one) decode every byte; "replace" only guards against stray bytes.
    with opener(file.path, "rt", encoding=file.encoding, errors="replace", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=file.delimiter)
        _ = reader.fieldnames  # reads the header, so line_num counts from the first data row
        line = reader.line_num + 1
        for number, values in enumerate(reader, start=1):
            if limit is not None and number > limit:
                return
            yield RawRow(number, line, values)
            line = reader.line_num + 1


def check_shape(row: RawRow) -> None:
    """A row with too many or too few fields has shifted columns: nothing in it can be trusted."""
    if None in row.values:
        raise Reject("malformed_row", f"{len(row.values[None])} extra field(s)")
    if any(value is None for value in row.values.values()):
        raise Reject("malformed_row", "too few fields")
    if all(value.strip().lower() in ("", "nan") for value in row.values.values()):
        raise Reject("empty_row")
    # Postgres text cannot hold a NUL: the row is refused, naming each such column, not the whole file.
    unstorable = [
        ("invalid_text", f"{(name or '').strip()}: {found}")
        for name, value in row.values.items()
        if (found := unstorable_character(value))
    ]
    if unstorable:
        raise Reject.all_of(unstorable)


def row_key(source: str, *parts: str) -> str:
    """A stable key from a row's identifying values, for sources that publish no listing id.

    Identical rows get the same key on purpose: they are the same listing published twice.
    """
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"{source}:{digest}"


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:80]


def group_seller(
    source: str,
    kind: str,
    region_code: str,
    region_name: str,
    country: str,
    latitude: float | None,
    longitude: float | None,
    city: str = "",
) -> DealerRecord:
    """One dealer standing for all the unnamed sellers of a region ("Private sellers, Texas").

    Listings need a dealer; inventing one per private ad would flood the dealer facets.
    """
    label = {"private": "Private sellers", "unnamed": "Unnamed dealers"}[kind]
    return DealerRecord(
        source_key=f"{source}:{kind}:{slug(region_code) or 'unknown'}",
        name=f"{label}, {region_name}",
        country=country,
        city=city,
        latitude=latitude,
        longitude=longitude,
    )
