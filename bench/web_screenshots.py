"""Screenshots of the buyers' pages on a phone (360x740) into docs/screenshots/.

    .venv/bin/python bench/web_screenshots.py [--url http://127.0.0.1:8021]

The search page, the first result's vehicle page and a zero-result search, from a running site.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import phone_chromium, url_argument  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> None:
    args = url_argument(__doc__.splitlines()[0]).parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    driver = phone_chromium()
    try:
        driver.get(args.url + "/?make=Toyota")
        driver.save_screenshot(str(OUT / "buyers-search-360.png"))
        vehicle = driver.find_element("css selector", "#result-list .card-link").get_attribute("href")
        driver.get(vehicle)
        driver.save_screenshot(str(OUT / "buyers-vehicle-360.png"))
        driver.get(args.url + "/?q=toyta+hilx&make=BMW")
        driver.save_screenshot(str(OUT / "buyers-zero-results-360.png"))
    finally:
        driver.quit()
    for name in ("buyers-search-360.png", "buyers-vehicle-360.png", "buyers-zero-results-360.png"):
        print(OUT / name)


if __name__ == "__main__":
    main()
