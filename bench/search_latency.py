"""Search latency: typeahead and the search page's request, through the API and straight to the engine.

    .venv/bin/python bench/search_latency.py [--vehicles 1000000] [--requests 400] [--clients 1,8,32]
        [--workers 2] [--threads 8] [--baseline REV] [--endpoints "typeahead,search page"]

Runs against the engine of the dev stack under its own index prefix (NZILA_INDEX_PREFIX, default
`benchsearch`), so nobody's data is touched. If that index holds fewer than --vehicles documents, it
is rebuilt from seeded synthetic rows (bench/search_data.py). The API runs in gunicorn on a loopback
port, started and stopped here by process id. Every client thread sends its requests one after the
other over keep-alive connections: straight to the engine's `_msearch` with the bodies the API builds,
then the same request through the API, so the ratio is API time over engine time for the same work.
Prints p50/p99 per endpoint and concurrency. Bounded: a fixed number of requests per run.

"search page" is what web/search_page.py asks for (hits + PAGE_FACETS: the 8 listed facets, make with
its models, and the 3 ranges); with --all-facets, "search + all facets" also asks for every facet.
The engine side always sends hits and exact facets in one `_msearch`; the API counts the facets of a
browse matching more than SEARCH_EXACT_FACETS_UP_TO documents on a sample (two round trips), so for
those rows the ratio is the sampled answer over the exact one.

With --baseline REV, the API as it was at that git revision runs beside this one (its files from
`git archive`, the same engine, index and database) and receives every API request too: its p50/p99
and this API's p50 over its p50 ("api/baseline") are before/after figures from one run. Each
version's search page asks for its own page facets.

Each distinct request is sent once to the engine (`request_cache: false`, so it leaves no cached
response) and once through the API, in alternating order (whichever goes second may find the engine's
filter cache warm): the ratio compares equal work. No request repeats, at any concurrency.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "platform"):
    sys.path.insert(0, str(path))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.settings")
os.environ.setdefault("NZILA_INDEX_PREFIX", "benchsearch")
os.environ.setdefault("NZILA_LOG_LEVEL", "WARNING")
# The benchmark server keeps its search log in memory (bounded) instead of queueing it: no worker runs here.
os.environ.setdefault("NZILA_SEARCH_LOG_FLUSH_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from search.facets import FACET_NAMES  # noqa: E402
from search.indexes import suggestions_alias, vehicles_alias  # noqa: E402
from search.request import Page, Range, Scope, VehicleQuery  # noqa: E402
from search.suggest import suggestions_search, typeahead_vehicles_search  # noqa: E402
from search.vehicles import vehicle_facets_search, vehicle_hits_search  # noqa: E402
from web.search_state import PAGE_FACETS  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_data import MARKET, build_synthetic_index, indexed_count  # noqa: E402

PUBLIC = Scope(statuses=tuple(settings.SEARCHABLE_STATUSES))
TYPOS = {
    "toyota": "toyoya",
    "mercedes": "mercedez",
    "volkswagen": "volkswagon",
    "hilux": "hilix",
    "corolla": "corola",
    "nissan": "nisan",
    "land cruiser": "land crusier",
}


def typeahead_inputs(rng: random.Random, n: int) -> list[str]:
    """What people type, keystroke by keystroke: prefixes of makes and models, some misspelt."""
    names = [m.lower() for m in MARKET] + [model.lower() for _, models in MARKET.values() for model, _, _ in models]
    names += [f"{make.lower()} {model.lower()}" for make, (_, models) in MARKET.items() for model, _, _ in models]
    out = []
    while len(out) < n:
        name = rng.choice(names)
        name = TYPOS.get(name, name) if rng.random() < 0.15 else name
        out.append(name[: rng.randint(1, len(name))].strip() or name[0])
    return out


def search_inputs(rng: random.Random, n: int) -> list[dict]:
    """A mix of landing pages, text searches and filtered searches, every one with all facets."""
    makes = list(MARKET)
    out = []
    for _ in range(n):
        params: dict = {}
        make = rng.choice(makes)
        kind = rng.random()
        if kind < 0.35:
            model = rng.choice(MARKET[make][1])[0]
            params["q"] = rng.choice([f"{make} {model}", model, f"{TYPOS.get(make.lower(), make)} {model}"])
        elif kind < 0.75:
            params["make"] = [make] + ([rng.choice(makes)] if rng.random() < 0.3 else [])
            if rng.random() < 0.5:
                params["body"] = [rng.choice(["suv", "sedan", "pickup", "hatchback"])]
        if rng.random() < 0.4:
            low = rng.choice([2000, 5000, 10000])
            params["price_min"], params["price_max"] = low, low + rng.choice([5000, 15000, 30000])
        if rng.random() < 0.3:
            params["year_min"] = rng.randint(2008, 2020)
        params["sort"] = rng.choice(["relevance" if "q" in params else "newest", "price_asc", "newest"])
        out.append(params)
    return out


def engine_body_for_search(params: dict, facet_names: tuple[str, ...]) -> str:
    """The _msearch body the API sends for these parameters (prices already in USD here)."""
    query = VehicleQuery(
        text=params.get("q", ""),
        terms={k: tuple(params[k]) for k in ("make", "body") if k in params},
        ranges={
            k: v
            for k, v in {
                "price": Range(params.get("price_min"), params.get("price_max")),
                "year": Range(params.get("year_min"), None),
            }.items()
            if v.low is not None or v.high is not None
        },
    )
    hits = vehicle_hits_search(query, scope=PUBLIC, sort=params["sort"], page=Page(size=20))
    facets = vehicle_facets_search(query, scope=PUBLIC, facets=facet_names).to_dict()
    alias = vehicles_alias()
    # request_cache off: the engine-direct run must leave nothing cached for the API run after it.
    lines = [
        {"index": alias, "request_cache": False},
        hits.to_dict(),
        {"index": alias, "request_cache": False},
        facets,
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def engine_body_for_typeahead(text: str) -> str:
    lines = [
        {"index": suggestions_alias(), "ignore_unavailable": True, "request_cache": False},
        suggestions_search(text, size=16).to_dict(),
        {"index": vehicles_alias(), "request_cache": False},
        typeahead_vehicles_search(text, scope=PUBLIC, size=3).to_dict(),
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def page_query(params: dict, facets: tuple[str, ...] = PAGE_FACETS) -> str:
    return urllib.parse.urlencode({**params, "facets": ",".join(facets)}, doseq=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVERS = ("gunicorn", "granian")


def server_argv(server: str, port: int, workers: int, threads: int, app: str = "nzila.wsgi:application") -> list[str]:
    """The command serving `app` with `server`: gunicorn's threaded workers (as the stack runs it), or
    granian (HTTP in Rust, the application in Python threads), with the same processes and threads."""
    if server == "granian":
        return [
            *("-m", "granian", "--interface", "wsgi", app),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--blocking-threads", str(threads), "--log-level", "warning", "--no-ws"),
        ]
    return [
        *("-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", str(workers)),
        *("-k", "gthread", "--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"),
    ]


def start_api(
    port: int,
    workers: int,
    threads: int,
    root: Path = ROOT,
    server: str = "gunicorn",
    app: str = "nzila.wsgi:application",
) -> subprocess.Popen:
    """The API of the checkout at `root` (this one, or a baseline's files), served by `server`."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(root), str(root / "platform"), str(Path(__file__).resolve().parent))),
        # Plain HTTP on loopback, as the local stack serves it (NZILA_HTTPS=1, the default, redirects).
        "NZILA_HTTPS": "0",
        # Every simulated buyer comes from 127.0.0.1: the per-address limit is not what is measured.
        "NZILA_PUBLIC_API_RATE": "1000000/minute",
    }
    proc = subprocess.Popen(
        [sys.executable, *server_argv(server, port, workers, threads, app)], cwd=root, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/vehicles/suggest?q=t")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop_api(proc)
    raise RuntimeError("the API server did not start")


def baseline_checkout(revision: str) -> Path:
    """The files of `revision` (e.g. the commit before a change), to serve the API as it was."""
    folder = Path(tempfile.mkdtemp(prefix="nzila-baseline-"))
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def page_facets_of(root: Path) -> tuple[str, ...]:
    """The facets the search page of the checkout at `root` asks for (a baseline's may be fewer)."""
    code = "import django; django.setup(); from web.search_state import PAGE_FACETS; print(','.join(PAGE_FACETS))"
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'platform'}"}
    found = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True, capture_output=True, text=True)
    return tuple(found.stdout.strip().splitlines()[-1].split(","))


def stop_api(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def run_pairs(engine: urllib.parse.SplitResult, api_port: int, pairs: list, clients: int) -> tuple[list, list]:
    """From `clients` threads, send each (engine request, API request) pair one after the other, each
    over its own keep-alive connection. Returns (engine ms, API ms) of the answers that were 200."""
    engine_ms, (api_ms,) = run_requests(engine, [api_port], pairs, clients)
    return engine_ms, api_ms


def run_requests(
    engine: urllib.parse.SplitResult, api_ports: list[int], pairs: list, clients: int
) -> tuple[list, list[list]]:
    """Like run_pairs, with the API request sent to every server of `api_ports` (the API as it is, and
    a baseline of it): returns (engine ms, [ms per server])."""
    engine_ms: list[float] = []
    api_ms: list[list[float]] = [[] for _ in api_ports]
    lock = threading.Lock()
    cursor = iter(range(len(pairs)))

    def timed(conn: http.client.HTTPConnection, method: str, path: str, body: str | None) -> float | None:
        headers = {"Content-Type": "application/x-ndjson"} if body else {}
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            return (time.perf_counter() - started) * 1000
        with lock:
            failures[response.status] = failures.get(response.status, 0) + 1
        return None

    def send(conn: http.client.HTTPConnection, request: tuple | None) -> float | None:
        return None if request is None else timed(conn, *request)

    def client() -> None:
        to_engine = http.client.HTTPConnection(engine.hostname, engine.port, timeout=60)
        to_apis = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port in api_ports]
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            direct, through_api = pairs[i]
            # One API request for every server, or a list with each server's own (a baseline's page
            # asks for its own facets).
            per_server = through_api if isinstance(through_api, list) else [through_api] * len(to_apis)
            # Take turns in every order: whoever comes later finds the engine's filter cache warm, so
            # each target precedes each other one equally often (a rotation would favour one of three).
            # Either side may be None (bench/search_popular.py times one side at a time).
            targets = [(None, to_engine, direct)] + [
                (n, conn, request) for n, (conn, request) in enumerate(zip(to_apis, per_server, strict=True))
            ]
            orders = list(itertools.permutations(targets))
            timings = [(n, send(conn, request)) for n, conn, request in orders[i % len(orders)]]
            with lock:
                for n, ms in timings:
                    if ms is not None:
                        (engine_ms if n is None else api_ms[n]).append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return engine_ms, api_ms


failures: dict[int, int] = {}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="per endpoint, target and concurrency")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn process")
    parser.add_argument("--server", choices=SERVERS, default="gunicorn", help="what serves this API")
    parser.add_argument("--baseline-server", choices=SERVERS, default="gunicorn", help="what serves the baseline")
    parser.add_argument("--all-facets", action="store_true", help="also time the request with every facet")
    parser.add_argument("--endpoints", default="typeahead,search page", help="which rows to time (comma-separated)")
    parser.add_argument(
        "--apart",
        action="store_true",
        help="with --baseline: also send other cold search pages to each API alone, for its own requests/s",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also serve the API as it was at this git revision and send it every API request, side by side",
    )
    args = parser.parse_args()

    count = indexed_count()
    if count < args.vehicles:
        print(
            f"{vehicles_alias()} holds {count:,} documents; building {args.vehicles:,} synthetic vehicles ...",
            flush=True,
        )
        rate = build_synthetic_index(args.vehicles)
        print(f"indexed at {rate:,.0f} docs/s", flush=True)
        count = indexed_count()
    from insights.suggestions_index import rebuild_suggestions

    suggestions = rebuild_suggestions(include_queries=False)
    print(f"index {vehicles_alias()}: {count:,} vehicles; {suggestions:,} typeahead suggestions", flush=True)

    # Cached responses from an earlier run would flatter whichever side meets them: start cold.
    from search.client import get_client

    get_client().indices.clear_cache(index=vehicles_alias(), request=True, query=True)
    rng = random.Random(42)
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    port = free_port()
    api = start_api(port, args.workers, args.threads, server=args.server)
    ports, servers, baseline_root = [port], [api], None
    page_facets = [PAGE_FACETS]
    if args.baseline:
        baseline_root = baseline_checkout(args.baseline)
        page_facets.append(page_facets_of(baseline_root))
        ports.append(free_port())
        servers.append(start_api(ports[1], args.workers, args.threads, root=baseline_root, server=args.baseline_server))
    try:
        print(
            f"\n{'endpoint':<22}{'clients':>8}{'api p50':>10}{'api p99':>10}{'engine p50':>12}{'engine p99':>12}"
            f"{'ratio p50':>11}{'req/s':>8}"
            + (f"{'baseline p50':>14}{'baseline p99':>14}{'api/baseline':>14}" if args.baseline else "")
        )
        seen: set[str] = set()  # no request is repeated, at any concurrency: every one meets cold caches
        for clients in [int(c) for c in args.clients.split(",")]:
            # Each distinct request once, sent straight to the engine (with its request cache off, so it
            # caches nothing) and then through the API: both see the same cold query, in pairs.
            typed = [t for t in dict.fromkeys(typeahead_inputs(rng, args.requests * 5)) if t not in seen]
            searched = [
                p
                for key, p in {json.dumps(p, sort_keys=True): p for p in search_inputs(rng, args.requests * 6)}.items()
                if key not in seen
            ]
            typed, extra, searched = (
                typed[: args.requests],
                searched[args.requests : 2 * args.requests],
                searched[: args.requests],
            )
            seen.update(typed, (json.dumps(p, sort_keys=True) for p in searched + extra))
            cases = {
                "typeahead": [
                    (
                        ("POST", "/_msearch", engine_body_for_typeahead(t)),
                        ("GET", "/api/v1/vehicles/suggest?" + urllib.parse.urlencode({"q": t}), None),
                    )
                    for t in typed
                ],
                "search page": [
                    (
                        ("POST", "/_msearch", engine_body_for_search(p, PAGE_FACETS)),
                        [("GET", "/api/v1/vehicles/search?" + page_query(p, facets), None) for facets in page_facets],
                    )
                    for p in searched
                ],
            }
            if args.all_facets:
                # Other requests of the same kind (distinct from the rows above: none meets a warm cache).
                cases["search + all facets"] = [
                    (
                        ("POST", "/_msearch", engine_body_for_search(p, FACET_NAMES)),
                        ("GET", "/api/v1/vehicles/search?" + urllib.parse.urlencode(p, doseq=True), None),
                    )
                    for p in extra
                ]
            for name, pairs in cases.items():
                if name not in args.endpoints.split(",") and name != "search + all facets":
                    continue
                run_requests(engine, ports, pairs[:10], clients)  # warm connections
                started = time.perf_counter()
                engine_ms, (api_ms, *baseline) = run_requests(engine, ports, pairs[10:], clients)
                throughput = (1 + len(ports)) * len(api_ms) / (time.perf_counter() - started)
                if not api_ms or not engine_ms or (baseline and not baseline[0]):
                    print(f"{name:<22}{clients:>8}  no successful answers ({failures})", flush=True)
                    continue
                ratio = statistics.median(api_ms) / statistics.median(engine_ms)
                row = (
                    f"{name:<22}{clients:>8}{pct(api_ms, 50):>10.1f}{pct(api_ms, 99):>10.1f}"
                    f"{pct(engine_ms, 50):>12.1f}{pct(engine_ms, 99):>12.1f}{ratio:>10.2f}x{throughput:>8.0f}"
                )
                if baseline:
                    before = baseline[0]
                    row += f"{pct(before, 50):>14.1f}{pct(before, 99):>14.1f}"
                    row += f"{statistics.median(api_ms) / statistics.median(before):>13.2f}x"
                print(row, flush=True)
            if args.apart and len(ports) > 1 and "search page" in args.endpoints.split(","):
                # Requests per second of each API alone (nothing else sent meanwhile): fresh cold pages each.
                fresh = [
                    p
                    for key, p in {
                        json.dumps(p, sort_keys=True): p for p in search_inputs(rng, args.requests * 8)
                    }.items()
                    if key not in seen
                ]
                rates = []
                for n, server_port in enumerate(ports):
                    mine = fresh[n * args.requests : (n + 1) * args.requests]
                    seen.update(json.dumps(p, sort_keys=True) for p in mine)
                    alone = [
                        (None, ("GET", "/api/v1/vehicles/search?" + page_query(p, page_facets[n]), None)) for p in mine
                    ]
                    started = time.perf_counter()
                    _, (answered,) = run_requests(engine, [server_port], alone, clients)
                    rates.append(len(answered) / (time.perf_counter() - started))
                print(
                    f"{'search page, alone':<22}{clients:>8}  req/s this API {rates[0]:.1f}, baseline {rates[1]:.1f}: "
                    f"{rates[0] / rates[1]:.2f}x",
                    flush=True,
                )
    finally:
        for server in servers:
            stop_api(server)
        if baseline_root:
            shutil.rmtree(baseline_root, ignore_errors=True)
    print(
        f"\n{args.requests} requests per row; latencies in ms; machine: {os.cpu_count()} cores shared by the "
        f"engine, the API server and this load generator."
    )
    if failures:
        print(f"non-200 answers (left out of the figures): {failures}")


if __name__ == "__main__":
    main()
