"""Page and API latency under a bounded load from a second process, on a large ledger.

    python bench/bench_ledger.py --keep /tmp/bench10k.db     # build a 10,000-article ledger once
    python bench/bench_web.py --db /tmp/bench10k.db [--clients 20] [--seconds 30] [--ingest]

Starts `claimledger serve` on a free loopback port in its own process, then runs ``--clients``
concurrent clients from this process for ``--seconds``, each looping over a fixed mix of requests
(claim board plain and filtered, claim pages, article pages, API lists and records).  Reports
p50/p95/p99 latency per kind of request, requests per second and errors.  With ``--ingest`` one
more client posts new articles through the API the whole time (the reliability issue's load test).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import report  # noqa: E402

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(Path(sys.executable).with_name("claimledger")), "serve", "--db", str(db),
                               "--port", str(port), "--token", TOKEN], stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def request_mix(db: Path, seed: int) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        claims = [r[0] for r in conn.execute("SELECT id FROM claims WHERE statements > 0")]
        articles = [r[0] for r in conn.execute("SELECT id FROM articles")]
    rng = random.Random(seed)
    mix = []
    for _ in range(200):
        mix += [("board", "/"), ("board", f"/?status={rng.choice(['corroborated', 'contested', 'denied'])}"),
                ("claim page", f"/claims/{rng.choice(claims)}"), ("claim page", f"/claims/{rng.choice(claims)}"),
                ("article page", f"/articles/{rng.choice(articles)}"), ("api claims", "/api/claims?limit=50"),
                ("api claim", f"/api/claims/{rng.choice(claims)}"), ("api search", "/api/search?q=troops")]
    rng.shuffle(mix)
    return mix


def client(port: int, mix: list[tuple[str, str]], until: float, samples: dict, errors: list, start: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    position = start
    while time.time() < until:
        kind, path = mix[position % len(mix)]
        position += 1
        began = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__} {path}")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        samples.setdefault(kind, []).append(time.perf_counter() - began)


def ingester(port: int, until: float, samples: dict, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    number = 0
    while time.time() < until:
        number += 1
        body = json.dumps({"text": f"date 2024-11-0{number % 9 + 1} SEOUL: Officials said on Monday that "
                                   f"{number * 7} soldiers had arrived at base {number}, bench run {time.time()}."})
        began = time.perf_counter()
        conn.request("POST", "/api/articles", body=body,
                     headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"})
        response = conn.getresponse()
        response.read()
        if response.status not in (200, 201):
            errors.append(f"{response.status} POST /api/articles")
        samples.setdefault("api ingest", []).append(time.perf_counter() - began)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)  # noqa: E731
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": pick(0.95),
            "p99_ms": pick(0.99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ingest", action="store_true", help="one more client ingests through the API meanwhile")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.db, port)
    try:
        mix = request_mix(args.db, seed=7)
        samples: dict[str, list[float]] = {}
        errors: list[str] = []
        until = time.time() + args.seconds
        threads = [threading.Thread(target=client, args=(port, mix, until, samples, errors, n * 37))
                   for n in range(args.clients)]
        if args.ingest:
            threads.append(threading.Thread(target=ingester, args=(port, until, samples, errors)))
        began = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = {"db": str(args.db), "clients": args.clients, "seconds": round(elapsed, 1), "ingest": args.ingest,
               "requests_per_s": round(sum(map(len, samples.values())) / elapsed, 1), "errors": len(errors),
               "error_examples": errors[:5], "latency": {k: summary(v) for k, v in sorted(samples.items())}}
    report(results, args.out)


if __name__ == "__main__":
    main()
