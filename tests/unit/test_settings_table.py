"""docs/settings.md lists every environment variable the code reads, as the code reads it."""

from __future__ import annotations

import re

from localstack import secrets_file
from localstack.paths import ROOT
from localstack.settings_table import table

DOC = ROOT / "docs" / "settings.md"


def _documented_table() -> str:
    text = DOC.read_text()
    return text.split("<!-- settings-table:start -->\n", 1)[1].split("<!-- settings-table:end -->", 1)[0]


def test_the_page_shows_the_table_the_code_gives():
    assert _documented_table() == table(), "docs/settings.md is stale: python -m localstack.settings_table"


def test_every_variable_read_anywhere_is_in_the_table():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", _documented_table(), re.M))
    read = set()
    for path in [*(ROOT / "localstack").glob("*.py"), *(ROOT / "platform").rglob("*.py")]:
        read |= set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z0-9_]+)"', path.read_text()))
    assert read - {"PATH"} <= documented, sorted(read - {"PATH"} - documented)
    assert set(secrets_file.GENERATORS) <= documented
