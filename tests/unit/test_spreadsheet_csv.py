"""The one CSV writer: formulas are written as text, numbers stay numbers, and what we read back is
exactly what was written."""

import csv
import io
from decimal import Decimal

import pytest

from nzila.spreadsheet_csv import BOM, SpreadsheetWriter, neutralise, restore

HOSTILE = [
    '=HYPERLINK("http://cheapcars-example.com","Toyota")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "-5 km",
    "-١٢",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_a_spreadsheet_reads_as_a_formula_is_written_as_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [-12, Decimal("-12.50"), -0.5, "-3", "-1.25", 0, 17, "12.5"])
def test_plain_numbers_stay_numbers_minus_sign_included(value):
    assert neutralise(value) == str(value)


@pytest.mark.parametrize("value", ["Toyota Hilux", "", "Citroën C3", "a=b", "x-y", "'quoted'", None])
def test_ordinary_text_is_unchanged(value):
    assert neutralise(value) == ("" if value is None else value)


@pytest.mark.parametrize(
    "value", [*HOSTILE, "'=already quoted", "''@twice", "'plain", "-3", "'-3", "'", "", "Citroën", "=", "'\t"]
)
def test_restore_gives_back_exactly_what_was_written(value):
    assert restore(neutralise(value)) == value


def test_the_writer_starts_with_a_bom_and_neutralises_every_cell():
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(["query", "count"])
    writer.writerows([["=1+1", 3], ["Peugeot 3008 à Dakar", -2]])
    text = out.getvalue()
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["query", "count"], ["'=1+1", "3"], ["Peugeot 3008 à Dakar", "-2"]]
    # Encoded, the mark is the three bytes spreadsheet programs look for.
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
