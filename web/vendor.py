"""Front-end libraries installed from npm at set-up, copied where the static files finder serves them.

`package.json` pins the versions; this list says which built file of each package the pages use, so
only those are served (never the whole `node_modules`). Run by `bin/setup` after `npm ci`:
`python -m web.vendor`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
# Served at STATIC_URL + "vendor/"; see STATICFILES_DIRS.
VENDOR_DIR = ROOT / "var" / "vendor"

# node_modules path -> path under vendor/.
FILES: dict[str, str] = {
    # The analysts' dashboard charts (web/analytics): one self-contained UMD build, no other files.
    "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
}


def copy_vendor_files() -> list[Path]:
    missing = [source for source in FILES if not (NODE_MODULES / source).is_file()]
    if missing:
        raise SystemExit(f"missing front-end files (run `npm ci`): {', '.join(missing)}")
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    copied = []
    for source, target in FILES.items():
        destination = VENDOR_DIR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / source, destination)
        copied.append(destination)
    return copied


if __name__ == "__main__":
    paths = copy_vendor_files()
    print(f"vendored {len(paths)} front-end files into {VENDOR_DIR}", file=sys.stderr)
