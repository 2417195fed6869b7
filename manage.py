#!/usr/bin/env python
"""Django's command-line entry point for the Nzila platform."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# platform/ is a folder on the import path, not a package: a package named "platform" would
# shadow the standard library module of that name (uuid imports it).
for path in (ROOT, ROOT / "platform"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
