"""The search page's first load, in bytes: what the browser fetched (images excluded), as served and
gzip-compressed (level 6, what a compressing front server or whitenoise's .gz files send).

    .venv/bin/python bench/web_page_weight.py [--url http://127.0.0.1:8021] [--path /]

Loads the page in headless Chromium (phone profile), lists every non-image resource it requested
(document, CSS, JS, fetches made during load), fetches each again to measure it, and prints the
totals against the 150 KB budget.
"""

from __future__ import annotations

import gzip
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import phone_chromium, url_argument  # noqa: E402

BUDGET = 150 * 1024
IMAGES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg", ".avif", ".ico")


def main() -> None:
    parser = url_argument(__doc__.splitlines()[0])
    parser.add_argument("--path", default="/")
    args = parser.parse_args()
    driver = phone_chromium()
    try:
        driver.get(args.url + args.path)
        urls = [args.url + args.path] + driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
    finally:
        driver.quit()
    rows, raw_total, gz_total = [], 0, 0
    for url in dict.fromkeys(urls):
        if url.split("?")[0].lower().endswith(IMAGES):
            continue
        body = urllib.request.urlopen(url).read()
        packed = len(gzip.compress(body, compresslevel=6))
        rows.append((url.replace(args.url, ""), len(body), packed))
        raw_total, gz_total = raw_total + len(body), gz_total + packed
    print(f"{'resource':60}{'bytes':>10}{'gzip':>10}")
    for name, raw, packed in rows:
        print(f"{name[:60]:60}{raw:>10}{packed:>10}")
    print(f"{'total (' + str(len(rows)) + ' requests)':60}{raw_total:>10}{gz_total:>10}")
    print(f"budget {BUDGET} bytes compressed: {'within' if gz_total <= BUDGET else 'OVER'} ({gz_total / BUDGET:.0%})")


if __name__ == "__main__":
    main()
