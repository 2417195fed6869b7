"""What an import did with each row of a file: counted per reason, and written out as CSV.

No row disappears without a trace: every row read is either loaded or rejected with a reason,
and every value repaired on the way in (a VIN dropped, a mileage ignored) is noted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nzila.spreadsheet_csv import SpreadsheetWriter

from .readers.base import RawRow


@dataclass
class FileReport:
    name: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (row number, line, reason, detail): one per fault, so a row may appear more than once
    rejects: list[tuple[int, int, str, str]] = field(default_factory=list)
    notes: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def rejected(self) -> int:
        """Rows rejected (each with one fault or more)."""
        return len({number for number, _, _, _ in self.rejects})

    def reject(self, row: RawRow, reason: str, detail: str = "") -> None:
        self.rejects.append((row.number, row.line, reason, detail))

    def note(self, row: RawRow, code: str, detail: str = "") -> None:
        self.notes.append((row.number, row.line, code, detail))

    def reject_counts(self) -> Counter:
        return Counter(reason for _, _, reason, _ in self.rejects)

    def note_counts(self) -> Counter:
        return Counter(code for _, _, code, _ in self.notes)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """<name>-rejects.csv and <name>-notes.csv; written even when empty, so no stale file misleads."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = folder / f"{self.name}-rejects.csv", folder / f"{self.name}-notes.csv"
        for path, rows, label in ((paths[0], self.rejects, "reason"), (paths[1], self.notes, "note")):
            with path.open("w", newline="", encoding="utf-8") as handle:
                write_report_rows(SpreadsheetWriter(handle), label, rows)
        return paths

    def summary(self) -> str:
        lines = [
            f"{self.name}: read {self.read}, loaded {self.loaded} (created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}), rejected {self.rejected}"
        ]
        lines += [f"    rejected {count:>6}  {reason}" for reason, count in self.reject_counts().most_common()]
        lines += [f"    noted    {count:>6}  {code}" for code, count in self.note_counts().most_common()]
        return "\n".join(lines)


def write_report_rows(writer: SpreadsheetWriter, label: str, rows) -> None:
    """A report's rows under its header (label: "reason" or "note"): the file and the console's download."""
    writer.writerow(["row", "line", label, "detail"])
    writer.writerows(rows)
