"""Watching cost and alert delay: 100 loopback feeds polled every minute for 10 minutes.

    python bench/bench_watch.py [--feeds 100] [--minutes 10] [--interval 60] [--new-items 4] [--attribution learned]

The feeds are served from 127.0.0.1 by the watch tests' own loopback server (ETag and 304 like
real feed hosts).  ``claimledger watch`` runs as a process of its own; once its first round has
stored every feed's first article, the first half of the run has nothing new: the watcher's CPU
share there (CPU seconds over wall seconds, from /proc) is the cost of watching alone.  In the
second half, ``--new-items`` items appear one at a time in random feeds, each matching a phrase
rule; the delay from an item's appearance to its alert in the ledger is the figure to hold
within one poll interval plus the item's extraction.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the tests' loopback server

from loopback import LoopbackServer, Route, rss  # noqa: E402

from claimledger.store.ledger import Ledger  # noqa: E402
from claimledger.watch.rules import new_rule  # noqa: E402

CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))
SEED = 11
CORPUS = sorted((ROOT / "examples" / "corpus").glob("*.txt"))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def first_item(number: int) -> tuple[str, str]:
    text = CORPUS[number % len(CORPUS)].read_text(encoding="utf-8")
    return f"Feed {number} story", f"Dispatch {number}.\n\n{text}"


def alert_for(db: str, marker: str) -> bool:
    with Ledger(db) as ledger:
        return any(marker in a.message for a in ledger.alerts(limit=20))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=int, default=60, help="Seconds between polls of a feed.")
    parser.add_argument("--new-items", type=int, default=4)
    parser.add_argument("--attribution", default="learned", choices=("learned", "rules"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    server = LoopbackServer()
    feeds = {f"/feed/{n}": [first_item(n)] for n in range(args.feeds)}
    for path, items in feeds.items():
        server.routes[path] = Route(rss(items))
    folder = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    db = str(folder / "ledger.db")
    with Ledger(db) as ledger:
        for path in feeds:
            ledger.watch(server.url + path, args.interval)
        ledger.add_alert_rule(new_rule("phrase", value="benchmark marker"))
    log = (folder / "watch.log").open("w")
    watcher = subprocess.Popen([CLAIMLEDGER, "watch", "--db", db, "--attribution", args.attribution],
                               stdout=subprocess.DEVNULL, stderr=log)
    try:
        started = time.monotonic()
        while True:
            with Ledger(db) as ledger:
                if ledger.counts()["articles"] >= args.feeds:
                    break
            time.sleep(0.5)
        first_round = time.monotonic() - started
        print(f"first round: {args.feeds} feeds, {args.feeds} articles stored in {first_round:.1f} s")

        duration = args.minutes * 60
        idle_from, cpu_from = time.monotonic(), cpu_seconds(watcher.pid)
        time.sleep(duration / 2)
        idle_wall, idle_cpu = time.monotonic() - idle_from, cpu_seconds(watcher.pid) - cpu_from
        polls = len([r for r in server.requests if r.method == "GET"]) - args.feeds
        print(f"nothing new for {idle_wall:.0f} s: {polls} polls ({polls / idle_wall:.2f}/s), watcher CPU "
              f"{idle_cpu:.2f} s = {100 * idle_cpu / idle_wall:.2f}% of one core")

        delays = []
        slot = duration / 2 / max(1, args.new_items)
        for item in range(args.new_items):
            slot_end = time.monotonic() + slot
            time.sleep(rng.uniform(0, slot / 4))
            path = rng.choice(list(feeds))
            marker = f"benchmark marker {item}"
            feeds[path].append((f"Update {item}", f'The agency said the {marker} was confirmed on Monday.'))
            server.routes[path] = Route(rss(feeds[path]))
            appeared = time.monotonic()
            while not alert_for(db, marker):
                time.sleep(0.2)
                if time.monotonic() - appeared > 3 * args.interval + 120:
                    raise SystemExit(f"no alert for {marker} after {time.monotonic() - appeared:.0f} s")
            delays.append(time.monotonic() - appeared)
            print(f"item {item} in {path}: alert {delays[-1]:.1f} s after it appeared")
            time.sleep(max(0.0, slot_end - time.monotonic()))
        if delays:
            print(f"alert delay: mean {statistics.mean(delays):.1f} s, max {max(delays):.1f} s; "
                  f"poll interval {args.interval} s (target: max <= interval + extraction)")
    finally:
        watcher.terminate()
        watcher.wait(60)
        server.close()
        log.close()


if __name__ == "__main__":
    main()
