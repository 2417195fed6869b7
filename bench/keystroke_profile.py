"""Where a keystroke's time goes: one typeahead request through Django, DRF, the client and JSON.

    .venv/bin/python bench/keystroke_profile.py [--keystrokes 400] [--baseline REV]

In this process (no HTTP server: bench/search_latency.py times that), against the benchmark index
of bench/search_latency.py (NZILA_INDEX_PREFIX, default `benchsearch`). Two cases:

- cold: distinct keystrokes, answer sharing off, so every one makes its engine round trip;
- repeated: the same keystroke again and again with sharing on (what popular prefixes cost).

For each it prints the wall time per request, then the share of each layer taken from a cProfile
run (cumulative time of the layer's entry point; the profiler inflates Python, so read the shares,
not the absolute figures): the round trip (client, HTTP, waiting), building the query, shaping the
answer, the rate limit, validation and JSON, and what is left: Django and the middleware before the
keystroke's fast path (api/keystrokes.py).

With --baseline REV, the same measurements run first in a checkout of that revision (its files from
`git archive`, with today's benchmark scripts), in a process of its own, so before and after print
one above the other.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Entry points (file suffix, function): each layer's time is its entry point's cumulative time less
# that of the layer inside it. Where the code changed between versions, any of the names counts.
ENTRY = {
    "request": [("django/core/handlers/wsgi.py", "__call__")],
    "fast path": [("api/keystrokes.py", "__call__")],
    "rate limit": [("api/throttles.py", "allow_request")],
    "selector": [("search/selectors.py", "vehicle_suggestions")],
    "searches": [("search/executor.py", "run_searches"), ("search/executor.py", "run_template")],
    "round trip": [("search/executor.py", "_send")],
}
LAYERS = [
    ("Django and the middleware before it", lambda t: t["request"] - t["fast path"]),
    ("rate limit", lambda t: t["rate limit"]),
    ("validation, JSON encoding", lambda t: t["fast path"] - t["rate limit"] - t["selector"]),
    ("selector: sharing, shaping the answer", lambda t: t["selector"] - t["searches"]),
    ("query building (DSL or template to body)", lambda t: t["searches"] - t["round trip"]),
    ("engine round trip (client, HTTP, wait)", lambda t: t["round trip"]),
]


def measure(keystrokes: int) -> None:
    sys.path.insert(0, str(HERE))
    os.environ["NZILA_PUBLIC_API_RATE"] = "1000000000/minute"
    import search_latency as bench  # sets up Django against the benchmark index
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    handler, factory = WSGIHandler(), RequestFactory()

    def call(text: str) -> None:
        environ = factory.get("/api/v1/vehicles/suggest", {"q": text}, secure=True).environ
        statuses: list[str] = []
        b"".join(handler(environ, lambda status, headers: statuses.append(status)))
        assert statuses[0].startswith("200"), statuses

    typed = list(dict.fromkeys(bench.typeahead_inputs(random.Random(11), keystrokes * 4)))
    for case, sharing, texts in (
        ("cold", 0, typed[:keystrokes]),
        ("repeated", 60, ["toyota c"] * keystrokes),
    ):
        settings.SEARCH_ANSWER_SHARING_SECONDS = sharing
        for text in typed[-20:]:
            call(text)  # connections and caches of the process warm (not the engine's: other texts)
        started = time.perf_counter()
        for text in texts:
            call(text)
        wall_ms = (time.perf_counter() - started) * 1000 / len(texts)
        cold = typed[keystrokes : 2 * keystrokes] if case == "cold" else texts
        profile = cProfile.Profile()
        profile.enable()
        for text in cold:
            call(text)
        profile.disable()
        stats = pstats.Stats(profile).stats
        times = {
            layer: sum(
                ct
                for (file, _, name), (_, _, _, ct, _) in stats.items()
                if any(file.endswith(suffix) and name == function for suffix, function in entries)
            )
            for layer, entries in ENTRY.items()
        }
        print(f"\n{case}: {wall_ms:.2f} ms per request (wall, unprofiled, {len(texts)} requests)")
        for label, share in LAYERS:
            print(f"  {label:<42}{100 * share(times) / times['request']:>6.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=400)
    parser.add_argument("--baseline", metavar="REV")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.keystrokes)
        return
    from search_latency import baseline_checkout

    roots = ([("before: " + args.baseline, baseline_checkout(args.baseline))] if args.baseline else []) + [
        ("this checkout", HERE.parent)
    ]
    for title, root in roots:
        print(f"\n=== {title}", flush=True)
        # The benchmark scripts run from the checkout's own bench/ folder, so they import its code.
        for script in ("keystroke_profile.py", "search_latency.py", "search_data.py"):
            if root != HERE.parent:
                (root / "bench" / script).write_bytes((HERE / script).read_bytes())
        script = root / "bench" / "keystroke_profile.py"
        command = [sys.executable, str(script), "--measure", "--keystrokes", str(args.keystrokes)]
        subprocess.run(command, cwd=root, check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
