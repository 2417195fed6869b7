"""Every CSV the platform writes goes through one writer that a spreadsheet cannot be turned against.

Excel, LibreOffice and Google Sheets read a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula. Text that strangers write reaches these files (a buyer's search text in
the analysts' top-query CSV, a dealer's description in an export), so `=HYPERLINK("http://evil", "x")`
would become a live link, or worse, in a colleague's spreadsheet. Such a cell is written with a
leading single quote (OWASP's "CSV injection" advice): spreadsheets show it as text.

A plain number is left alone, minus sign included: `-12.5` is a numeric literal to every spreadsheet
(it can call no function and reference no cell), and quoting it would turn price changes and
negative totals into text that no longer sums or sorts.

Files start with a UTF-8 byte-order mark so that spreadsheet programs read accents (Citroën, Nîmes)
instead of guessing a legacy code page. `restore` undoes the quoting for files we read back (the
dealers' import of their own export), exactly: a value that itself began with quotes keeps them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
BOM = "\ufeff"
# ASCII digits only: "-١٢" is not a number to a spreadsheet, and stays quoted.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class _TextOut(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: Any) -> str:
    """The cell as written: quoted if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    # Quotes already in front are counted, so that `restore` can tell ours from the value's own.
    if text.lstrip(QUOTE)[:1] in FORMULA_STARTS:
        return QUOTE + text
    return text


def restore(cell: str) -> str:
    """A cell as `neutralise` received it: the one quote it added is removed, nothing else."""
    if cell[:1] == QUOTE and cell.lstrip(QUOTE)[:1] in FORMULA_STARTS:
        return cell[1:]
    return cell


class SpreadsheetWriter:
    """csv.writer's writerow/writerows, every cell neutralised."""

    def __init__(self, out: _TextOut, *, bom: bool = True):
        if bom:
            out.write(BOM)
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
