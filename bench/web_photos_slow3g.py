"""The phone search page on emulated slow 3G (400 kbps down and up, 2 s round trip, through the Chrome
DevTools protocol as tests/browser emulates phones): when the first result card's photo is visible,
and what the first screen transferred, thumbnails included, against the 150 KB budget.

    .venv/bin/python bench/web_photos_slow3g.py [--url http://127.0.0.1:8021] [--path /] [--runs 3]

Each run is a new visitor with an empty cache. "Photo visible" is the moment the first card's image
finished loading (its resource timing's responseEnd, from navigation start), checked to be in the
first screen and decoded; "first screen" is every request made until the network has been quiet for
3 s after load (images below the fold are lazy and never asked for). Bytes are as transferred
(headers and compression included: Resource Timing's transferSize, same origin). Figures are medians
of the runs, with their spread: the machine is shared.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import phone_chromium, url_argument  # noqa: E402

BUDGET = 150 * 1024
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
QUIET_SECONDS = 3.0
FIRST_PHOTO = """
const img = document.querySelector('#result-list .card img');
if (!img) return null;
const box = img.getBoundingClientRect();
const src = img.currentSrc;
const entry = performance.getEntriesByName(src)[0];
return {src: src, done: img.complete && img.naturalWidth > 0, top: box.top, height: box.height,
        viewport: innerHeight, loaded_ms: entry ? entry.responseEnd : null};
"""
ENTRIES = """
const nav = performance.getEntriesByType('navigation')[0];
return [{name: location.href, kind: 'document', bytes: nav.transferSize, end: nav.responseEnd}].concat(
  performance.getEntriesByType('resource').map(e => ({name: e.name, kind: e.initiatorType, bytes: e.transferSize,
                                                     end: e.responseEnd})));
"""


def one_run(url: str) -> dict:
    driver = phone_chromium()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_3G)
        driver.set_page_load_timeout(180)
        driver.get(url)
        photo = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            photo = driver.execute_script(FIRST_PHOTO)
            if photo is None or photo["done"]:
                break
            time.sleep(0.2)
        count, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < QUIET_SECONDS:
            now = len(driver.execute_script("return performance.getEntriesByType('resource')"))
            if now != count:
                count, quiet_since = now, time.monotonic()
            time.sleep(0.25)
        entries = driver.execute_script(ENTRIES)
        timing = driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return [n.domContentLoadedEventEnd, n.loadEventEnd]"
        )
    finally:
        driver.quit()
    images = [e for e in entries if e["kind"] in ("img", "css") and "/media/" in e["name"]]
    return {
        "photo_ms": photo["loaded_ms"] if photo and photo["done"] else None,
        "photo_in_first_screen": bool(photo) and photo["top"] < photo["viewport"],
        "dcl_ms": timing[0],
        "load_ms": timing[1],
        "bytes": sum(e["bytes"] for e in entries),
        "image_bytes": sum(e["bytes"] for e in images),
        "requests": len(entries),
        "images": len(images),
        "entries": entries,
    }


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} (min {min(values):,.0f}, max {max(values):,.0f})"


def main() -> None:
    parser = url_argument(__doc__.splitlines()[0])
    parser.add_argument("--path", default="/")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.url + args.path) for _ in range(args.runs)]
    last = runs[-1]
    print(f"{args.url + args.path} on slow 3G (400 kbps, 2 s RTT), phone 360x740 @2x, {args.runs} runs, empty cache")
    print(f"{'resource (last run)':70}{'bytes':>10}{'end ms':>9}")
    for e in last["entries"]:
        print(f"{e['name'].replace(args.url, '')[:70]:70}{e['bytes']:>10}{e['end']:>9.0f}")
    photos = [r["photo_ms"] for r in runs if r["photo_ms"] is not None]
    print(
        f"first card photo visible, ms after navigation start: {spread(photos) if photos else 'never'}"
        f"{'' if all(r['photo_in_first_screen'] for r in runs) else ' (NOT in the first screen)'}"
    )
    print(
        f"DOMContentLoaded ms: {spread([r['dcl_ms'] for r in runs])}; load ms: {spread([r['load_ms'] for r in runs])}"
    )
    total = [r["bytes"] for r in runs]
    print(
        f"first screen transferred, bytes: {spread(total)} in {last['requests']} requests, of which images "
        f"{spread([r['image_bytes'] for r in runs])} in {last['images']}"
    )
    worst = max(total)
    print(f"budget {BUDGET} bytes: {'within' if worst <= BUDGET else 'OVER'} ({worst / BUDGET:.0%} at the worst run)")


if __name__ == "__main__":
    main()
