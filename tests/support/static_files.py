"""The static files collected as the set-up collects them: hashed names and their manifest.

Pages name their CSS and JS through the manifest (`{% static %}`), so every tier that renders a page
needs it. Collecting takes a few seconds; it is skipped when the manifest is newer than every file
the finders list (a changed or added file makes it run again).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command


def _newest_source() -> float:
    newest = 0.0
    for finder in finders.get_finders():
        for _path, storage in finder.list(ignore_patterns=["CVS", ".*", "*~"]):
            newest = max(newest, Path(storage.path(_path)).stat().st_mtime)
    return newest


def collect_static() -> None:
    """Run collectstatic into STATIC_ROOT unless what is there is already current."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
