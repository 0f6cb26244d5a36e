"""A watcher killed with SIGKILL at random points (mid-poll, mid-ingest, mid-delivery) and restarted
ends with the ledger, alert table and webhook log of an uninterrupted run; ``serve --watch`` stops
its watcher with it."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import snapshot
from loopback import LoopbackServer, Route, rss

from claimledger.store.database import Database
from claimledger.store.ledger import Ledger
from claimledger.watch.rules import new_rule

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "examples" / "corpus").glob("*.txt"))
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))
FEEDS = ("/wire", "/blog", "/agency")
KILLS_PER_STEP = 3


def steps() -> list[dict]:
    """The feeds' contents as the story develops: each step adds an article to each feed."""
    items = {feed: [] for feed in FEEDS}
    script = []
    for step in range(3):
        for number, feed in enumerate(FEEDS):
            text = CORPUS[step * len(FEEDS) + number].read_text(encoding="utf-8")
            items[feed].append((text.splitlines()[0], text))
        script.append({feed: rss(list(entries)) for feed, entries in items.items()})
    return script


def new_ledger(path: Path, server: LoopbackServer) -> str:
    with Ledger(path) as ledger:
        for kind, at, value in (("first-denial", None, None), ("support", 2, None), ("status", None, None),
                                ("entity", None, "Kim Song"), ("phrase", None, '"special forces"'),
                                ("evidence", None, "photo")):
            ledger.add_alert_rule(new_rule(kind, None, at, value))
        for feed in FEEDS:
            ledger.watch(server.url + feed, 60)
    return str(path)


def watch_once(db: str, hook: str) -> subprocess.Popen:
    return subprocess.Popen([CLAIMLEDGER, "watch", "--once", "--db", db, "--webhook", hook, "--webhook-secret", "k",
                             "--attribution", "rules"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def alert_rows(db: str) -> list[tuple]:
    conn = Database(db, read_only=True)
    try:
        return conn.execute("SELECT id, rule_id, event, message, claim_id, statement_id, article_id FROM alerts"
                            " ORDER BY id").fetchall()
    finally:
        conn.close()


def delivered(server: LoopbackServer, path: str) -> dict:
    """The webhook log deduplicated by alert id (delivery is at least once); each id's bodies must agree."""
    bodies = {}
    for post in server.posts(path):
        body = json.loads(post.body)
        body.pop("fired_at")
        assert bodies.setdefault(body["id"], body) == body
    return bodies


def test_a_watcher_killed_anywhere_and_restarted_ends_as_an_uninterrupted_one(tmp_path):
    server = LoopbackServer()
    rng = random.Random(20261202)
    try:
        reference = new_ledger(tmp_path / "reference.db", server)
        crashed = new_ledger(tmp_path / "crashed.db", server)
        killed_after = []
        for contents in steps():
            server.routes.update({feed: Route(body) for feed, body in contents.items()})
            started = len(server.requests)
            run = watch_once(reference, f"{server.url}/hook/reference")
            while len(server.requests) == started and run.poll() is None:
                time.sleep(0.005)  # the pipeline is loaded once the first feed is fetched
            polling = time.monotonic()
            assert run.wait(timeout=600) == 0, run.stderr.read()
            work = time.monotonic() - polling
            for _ in range(KILLS_PER_STEP):
                started = len(server.requests)
                run = watch_once(crashed, f"{server.url}/hook/crashed")
                while len(server.requests) == started and run.poll() is None:
                    time.sleep(0.005)
                pause = rng.uniform(0, work)
                time.sleep(pause)
                run.send_signal(signal.SIGKILL)
                run.wait()
                killed_after.append(pause / work)
            assert watch_once(crashed, f"{server.url}/hook/crashed").wait(timeout=600) == 0
        assert snapshot(crashed) == snapshot(reference)
        assert alert_rows(crashed) == alert_rows(reference) and alert_rows(reference)
        assert delivered(server, "/hook/crashed") == delivered(server, "/hook/reference")
        assert sorted(delivered(server, "/hook/reference")) == [row[0] for row in alert_rows(reference)]
        assert min(killed_after) < 0.3 and max(killed_after) > 0.6  # early and late in the work
    finally:
        server.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def test_serve_with_watch_runs_the_watcher_and_sigterm_stops_both(tmp_path):
    server = LoopbackServer()
    server.routes["/wire"] = Route(rss([(path.name, path.read_text(encoding="utf-8")) for path in CORPUS[:2]]))
    db = str(tmp_path / "ledger.db")
    with Ledger(db) as ledger:
        ledger.watch(f"{server.url}/wire", 60)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = subprocess.Popen([CLAIMLEDGER, "serve", "--watch", "--db", db, "--port", str(port), "--token", "t",
                                "--attribution", "rules"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and serving.poll() is None:
            with Ledger(db) as ledger:
                if ledger.counts()["articles"] == 2:
                    break
            time.sleep(0.2)
        watchers = children_of(serving.pid)
        assert watchers, "serve --watch started no watcher process"
        serving.send_signal(signal.SIGTERM)
        assert serving.wait(timeout=90) == 0
        deadline = time.monotonic() + 15  # multiprocessing's resource tracker leaves once it sees us gone
        while time.monotonic() < deadline and any(alive(pid) for pid in watchers):
            time.sleep(0.1)
        assert not [pid for pid in watchers if alive(pid)]
        assert "round 1" in serving.stderr.read()
    finally:
        if serving.poll() is None:
            serving.kill()
        server.close()
