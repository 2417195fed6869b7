"""Lighthouse (npm `lighthouse`, mobile profile: a mid-range phone on slow 4G) on the buyers' pages of a
running site, with the system Chromium. Prints the performance and accessibility scores per page.

    .venv/bin/python bench/web_lighthouse.py [--url http://127.0.0.1:8021]

Reports (JSON) land in bench/results/ (not committed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import CHROMIUM, url_argument  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results"


def first_vehicle_path(url: str) -> str:
    html = urllib.request.urlopen(url + "/").read().decode()
    return re.search(r'href="(/vehicles/\d+/[^"]+)"', html).group(1)


def audit(url: str, name: str) -> dict[str, float]:
    out = RESULTS / f"lighthouse-{name}.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            "--output=json",
            f"--output-path={out}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(out.read_text())
    scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    audits = report["audits"]
    scores["LCP ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["TBT ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["KB transferred"] = round(audits["total-byte-weight"]["numericValue"] / 1024, 1)
    return scores


def main() -> None:
    args = url_argument(__doc__.splitlines()[0]).parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    pages = {"search": "/", "filtered": "/?make=Toyota&body=suv", "vehicle": first_vehicle_path(args.url)}
    print(f"{'page':10}{'performance':>13}{'accessibility':>15}{'LCP ms':>9}{'TBT ms':>9}{'KB':>8}")
    for name, path in pages.items():
        s = audit(args.url + path, name)
        print(
            f"{name:10}{s['performance']:>13}{s['accessibility']:>15}{s['LCP ms']:>9}{s['TBT ms']:>9}"
            f"{s['KB transferred']:>8}"
        )


if __name__ == "__main__":
    main()
