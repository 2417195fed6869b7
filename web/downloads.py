"""CSV downloads: an attachment, written by the platform's one spreadsheet-safe writer."""

from __future__ import annotations

from django.http import HttpResponse

from nzila.spreadsheet_csv import SpreadsheetWriter


def csv_download(filename: str) -> tuple[HttpResponse, SpreadsheetWriter]:
    """An empty CSV attachment named `filename` and the writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SpreadsheetWriter(response)
