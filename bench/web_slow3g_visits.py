"""The phone search page on emulated slow 3G, a first visit and a repeat visit: when the first results
are visible, how long a filter tap takes to show its results, and what each visit transferred.

    .venv/bin/python bench/web_slow3g_visits.py [--url http://127.0.0.1:8021] [--path /] [--runs 3] [--later 65]

Slow 3G is bench/web_photos_slow3g.py's (Chrome's preset: 400 kbps, 2 s round trip), set through the
Chrome DevTools protocol. Each run is a new visitor: the first visit starts with an empty cache; the
repeat visit loads the same URL again in the same browser, its cache kept, as a buyer coming back
`--later` seconds afterwards (past a short max-age, so what the cache may still answer without asking shows).
"First results visible" is the first contentful paint (the result cards are in the HTML and the
style sheet blocks rendering, so the first paint shows them). "Filter tap" opens the filters, ticks a
body type and waits until the results stop being busy. Bytes are as transferred (Resource Timing's
transferSize: headers and compression included, 0 for what the cache answered). Medians of the runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import phone_chromium, url_argument  # noqa: E402
from web_photos_slow3g import SLOW_3G  # noqa: E402

VISIT = """
const nav = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByName('first-contentful-paint')[0];
const resources = performance.getEntriesByType('resource').filter(e => !e.name.includes('/media/'));
return {first_results_ms: paint ? paint.startTime : null, html_bytes: nav.transferSize,
        bytes: nav.transferSize + resources.reduce((s, e) => s + e.transferSize, 0),
        files: resources.map(e => [e.name.split('/').pop(), e.transferSize])};
"""
WATCH_TAP = """
const body = document.getElementById('search-body');
window.__tap = performance.now(); window.__shown = null;
new MutationObserver((changes, observer) => {
  if (!body.hasAttribute('aria-busy')) { window.__shown = performance.now(); observer.disconnect(); }
}).observe(body, {attributes: true, attributeFilter: ['aria-busy']});
"""


def visit(driver, url: str) -> dict:
    driver.get(url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        figures = driver.execute_script(VISIT)
        if figures["first_results_ms"] is not None and driver.execute_script(
            "return document.documentElement.classList.contains('js')"
        ):
            return figures
        time.sleep(0.1)
    raise TimeoutError(f"{url} never painted")


def filter_tap_ms(driver) -> float:
    driver.execute_script("document.querySelector('#filters > summary').click()")
    box = driver.find_element("css selector", 'input[name="body"]:not(:checked)')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    driver.execute_script(WATCH_TAP)
    box.click()
    deadline = time.monotonic() + 120
    while driver.execute_script("return window.__shown") is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the filter tap never showed results")
        time.sleep(0.05)
    return driver.execute_script("return window.__shown - window.__tap")


def one_run(url: str, later: float) -> dict:
    driver = phone_chromium()
    try:
        driver.set_page_load_timeout(180)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_3G)
        first = visit(driver, url)
        tap = filter_tap_ms(driver)
        time.sleep(later)
        repeat = visit(driver, url)
    finally:
        driver.quit()
    return {"first": first, "repeat": repeat, "tap_ms": tap}


def median(values) -> str:
    values = list(values)
    return f"{statistics.median(values):,.0f} (min {min(values):,.0f}, max {max(values):,.0f})"


def main() -> None:
    parser = url_argument(__doc__.splitlines()[0])
    parser.add_argument("--path", default="/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--later", type=float, default=65.0, help="seconds between the first and the repeat visit")
    args = parser.parse_args()
    runs = [one_run(args.url + args.path, args.later) for _ in range(args.runs)]
    print(
        f"{args.url + args.path} on slow 3G (400 kbps, 2 s RTT), phone 360x740 @2x, {args.runs} runs, "
        f"repeat visit {args.later:.0f} s later"
    )
    for name in ("first", "repeat"):
        print(
            f"{name} visit: first results visible {median(r[name]['first_results_ms'] for r in runs)} ms, "
            f"transferred {median(r[name]['bytes'] for r in runs)} bytes (HTML "
            f"{median(r[name]['html_bytes'] for r in runs)})"
        )
        print(f"  files (last run): {runs[-1][name]['files']}")
    print(f"filter tap to updated results: {median(r['tap_ms'] for r in runs)} ms")


if __name__ == "__main__":
    main()
