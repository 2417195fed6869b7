"""Keystroke-to-suggestions time in a real browser: from the `input` event to the listbox showing the
answer for exactly what is typed, on the search page of a running site (phone profile).

    .venv/bin/python bench/web_typeahead.py [--url http://127.0.0.1:8021] [--words 30]

Types makes and models (a few misspelled) one key at a time, waiting for each key's suggestions, so
each sample is one keystroke's round trip: the page's fetch, the API, the engine, rendering. Prints
p50/p95/max over all keystrokes, next to the suggest API's own time for the same texts over HTTP
(the ratio is browser time over API time).
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_browser import phone_chromium, url_argument  # noqa: E402

WORDS = [
    "toyota", "toyta camry", "honda civic", "nissan", "mercedes", "volkswagen golf", "hilux", "corola",
    "peugeot 308", "ford ranger", "mitsubishi pajero", "land cruiser", "bmw x5", "mazda", "hyundai tucson",
    "kia sportage", "subaru", "suzuki swift", "isuzu dmax", "renault", "chevrolet", "audi a4", "lexus",
    "prado", "rav4", "navara", "tiguan", "passat", "yaris", "fielder",
]  # fmt: skip

OBSERVER = """
const input = document.getElementById('q'), list = document.getElementById('q-options');
window.__samples = []; window.__started = null; window.__want = null;
input.addEventListener('input', () => {
  window.__started = performance.now(); window.__want = input.value.trim();
}, true);
new MutationObserver(() => {
  if (window.__started !== null && list.dataset.query === window.__want) {
    window.__samples.push(performance.now() - window.__started); window.__started = null;
  }
}).observe(list, {attributes: true, attributeFilter: ['data-query']});
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def api_times(url: str, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        query = urllib.parse.urlencode({"q": text, "size": 6, "vehicles": 3})
        urllib.request.urlopen(f"{url}/api/v1/vehicles/suggest?{query}").read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = url_argument(__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=len(WORDS))
    args = parser.parse_args()
    driver = phone_chromium()
    missed, typed = 0, []
    try:
        driver.get(args.url + "/")
        driver.execute_script(OBSERVER)
        box = driver.find_element("id", "q")
        box.click()
        for word in WORDS[: args.words]:
            driver.execute_script("document.getElementById('q').value = ''")
            for n, char in enumerate(word, start=1):
                before = driver.execute_script("return window.__samples.length")
                box.send_keys(char)
                text = word[:n].strip()
                if not text:
                    continue
                typed.append(text)
                deadline = time.monotonic() + 5
                while driver.execute_script("return window.__samples.length") == before:
                    if time.monotonic() > deadline:
                        missed += 1
                        break
                    time.sleep(0.002)
        samples = driver.execute_script("return window.__samples")
    finally:
        driver.quit()
    api = api_times(args.url, typed)
    browser_p50, api_p50 = statistics.median(samples), statistics.median(api)
    print(f"keystrokes: {len(typed)}  answered: {len(samples)}  missed (>5 s): {missed}")
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(f"{'browser keystroke->shown':28}{browser_p50:>10.1f}{percentile(samples, 0.95):>10.1f}{max(samples):>10.1f}")
    print(f"{'suggest API over HTTP':28}{api_p50:>10.1f}{percentile(api, 0.95):>10.1f}{max(api):>10.1f}")
    print(f"ratio browser/API at p50: {browser_p50 / api_p50:.2f}")


if __name__ == "__main__":
    main()
