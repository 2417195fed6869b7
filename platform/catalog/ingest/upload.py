"""A dealer's uploaded inventory file turned into plain UTF-8 CSV text, or refused with a reason a
person can act on: what spreadsheets actually save (UTF-8 with or without a BOM, UTF-16 with a BOM
from Excel's "Unicode Text", the Windows code page from Excel's plain "CSV"; commas, semicolons or
tabs), and what they must not be taken for (a workbook, a PDF, a picture, an empty or header-only file).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext_lazy as _

# Signatures of files that are not text: zipped workbooks (.xlsx, .ods), old Excel and Word (OLE2),
# PDF, images.
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
OTHER_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Beyond this share of control characters (tabs and line ends aside) a "text" is binary.
MAX_CONTROL_SHARE = 0.05
DELIMITERS = ",;\t"


class UnreadableUpload(Exception):
    """The file cannot be read as an inventory; `message` says why and what to do (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _decoded(data: bytes) -> str:
    if not data.strip():
        raise UnreadableUpload(_("The file is empty."))
    if data.startswith(WORKBOOK_MAGIC):
        raise UnreadableUpload(
            _("This is a spreadsheet workbook, not a CSV file. In your spreadsheet, save it as “CSV UTF-8”.")
        )
    if data.startswith(OTHER_BINARY_MAGIC):
        raise UnreadableUpload(_("This file is not text (a PDF, a picture or an archive?). Upload a CSV file."))
    try:
        if data.startswith(UTF16_BOMS):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in data[:4096]:
            raise UnreadableUpload(
                _("This file is not readable text. Save it as “CSV UTF-8” and upload it again.")
            ) from None
        # Excel's plain "CSV" on Windows: the Western code page, every byte a character.
        return data.decode("cp1252", errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > MAX_CONTROL_SHARE * len(sample)


def _delimiter(header_line: str) -> str:
    """The header's separator: Excel writes `;` where the decimal mark is a comma, tabs for Unicode Text."""
    return max(DELIMITERS, key=header_line.count)


def upload_text(data: bytes, *, required: tuple[str, ...]) -> tuple[str, str]:
    """(the file as text, its delimiter), checked to name the `required` columns and hold one row or more."""
    text = _decoded(data).lstrip("\ufeff")
    if _looks_binary(text):
        raise UnreadableUpload(_("This file is not readable text. Save it as “CSV UTF-8” and upload it again."))
    delimiter = _delimiter(text.splitlines()[0] if text.strip() else "")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows, [])
    if not any(cell.strip() for cell in header):
        raise UnreadableUpload(_("The file is empty."))
    named = {cell.strip().lower() for cell in header}
    missing = [name for name in required if name not in named]
    if missing:
        raise UnreadableUpload(
            _("The first row must name the columns; these are missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise UnreadableUpload(_("The file has the column names but no vehicles below them."))
    return text, delimiter
