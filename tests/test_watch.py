"""Watching: sources polled from loopback servers (feeds that gain items, 304, 500, time-outs,
malformed XML, redirects; folders), alert rules that fire once per event, and delivery to a
loopback webhook, to ``watch --print``, the API, the alerts page and the Atom feed."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import BACKENDS, new_ledger_target
from fastapi.testclient import TestClient
from loopback import LoopbackServer, Route, rss

from claimledger.errors import InvalidWatch
from claimledger.ingest.batch import ingest_paths
from claimledger.interfaces.web.app import create_app
from claimledger.store.ledger import Ledger
from claimledger.watch.rules import AlertRule, ClaimState, claim_events, new_rule
from claimledger.watch.sources import checked_target, parse_interval
from claimledger.watch.watcher import KEEPS_FAILING, Watcher, WatchOptions
from claimledger.watch.webhook import SIGNATURE_HEADER, Webhook

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "examples" / "corpus").glob("*.txt"))
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))
TOKEN = "a-test-token"
TROOPS = ("Spy agency on troops", "The National Intelligence Service said North Korea has sent 1,500 special forces "
                                  "troops to Russia.")
DENIAL = ("Envoy denies", "Kim Song, North Korea's envoy to the UN, denied that North Korea had sent special forces "
                          "troops to Russia.")
KYIV = ("Kyiv on commandos", "Kyiv officials said Pyongyang has dispatched commandos to the Kursk front.")


def story(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    return text.splitlines()[0], text


@pytest.fixture
def server():
    loopback = LoopbackServer()
    yield loopback
    loopback.close()


def watcher(ledger, **options):
    lines, fired = [], []
    return Watcher(ledger, WatchOptions(**{"timeout_s": 5, **options}), say=lines.append, on_alert=fired.append), \
        lines, fired


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end.replace("Z", "+00:00"))
            - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()


def test_a_feed_is_polled_conditionally_and_only_its_new_items_are_stored(ledger_target, server):
    server.routes["/feed"] = Route(rss([TROOPS, DENIAL]))
    with Ledger(ledger_target) as ledger:
        ledger.watch(checked_target(f"{server.url}/feed"), 60)
        watch, lines, _ = watcher(ledger)
        assert watch.round().added == 2
        again = watch.round(poll_all=True)
        assert (again.added, again.not_modified) == (0, 1)
        first, second = server.gets("/feed")
        assert first.headers["User-Agent"].startswith("claimledger/") and "If-None-Match" not in first.headers
        assert second.headers["If-None-Match"] and second.headers["If-Modified-Since"]
        server.routes["/feed"] = Route(rss([TROOPS, DENIAL, KYIV]))
        assert watch.round(poll_all=True).added == 1  # the changed feed: its one new entry
        assert watch.round() is None  # not due again for a minute
        [source] = ledger.watched()
        assert ledger.counts()["articles"] == 3 and source.articles_added == 3 and source.failures == 0
        assert 55 < seconds_between(source.last_success_at, source.next_poll_at) <= 60
    assert lines[0].startswith("round 1 at ") and "1 polled, 2 new articles, 0 alerts fired, 0 failed" in lines[0]


def test_failing_sources_back_off_with_jitter_and_are_reported_not_dropped(tmp_path, server):
    server.routes.update({
        "/broken": Route(b"oops", status=500),
        "/slow": Route(rss([TROOPS]), delay_s=2),
        "/malformed": Route(b"<?xml version='1.0'?><rss><channel><item><title>cut off</ti"),
        "/moved": Route(status=301, location=f"{server.url}/feed"),
        "/feed": Route(rss([KYIV])),
    })
    with Ledger(tmp_path / "ledger.db") as ledger:
        for path in ("/broken", "/slow", "/malformed", "/moved"):
            ledger.watch(checked_target(server.url + path), 60)
        watch, lines, _ = watcher(ledger, timeout_s=0.5)
        assert watch.round().added == 1  # through the redirect
        state = {s.target.rsplit("/", 1)[1]: s for s in ledger.watched()}
        assert "HTTP 500" in state["broken"].last_error and "timed out" in state["slow"].last_error
        assert "[E012]" in state["malformed"].last_error and state["moved"].last_error is None
        delays = []
        for failures in range(1, KEEPS_FAILING + 1):
            broken = [s for s in ledger.watched() if s.target.endswith("/broken")][0]
            assert broken.failures == failures
            delays.append(seconds_between(broken.last_error_at, broken.next_poll_at))
            if failures < KEEPS_FAILING:
                watch.round(poll_all=True)
        # Doubled after each failure, jittered downwards by at most a fifth.
        assert [60 * 0.8 <= d / 2 ** i <= 60 for i, d in enumerate(delays)] == [True] * KEEPS_FAILING
        assert watch.round() is None  # every failing source waits out its backoff
    assert any(f"{server.url}/broken: [E014] cannot fetch: HTTP 500" in line and "failing: 3 polls in a row" in line
               for line in lines)
    assert "4 polled, 1 new article, 0 alerts fired, 3 failed" in [x for x in lines if x.startswith("round 1")][0]


def test_a_folder_is_read_again_only_where_files_are_new_or_changed(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text(TROOPS[1], encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners said prices rose.".encode("latin-1"))
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.watch(checked_target(str(folder)), 60)
        watch, lines, _ = watcher(ledger)
        first = watch.round()
        assert first.added == 1 and len(first.item_errors) == 1 and "[E003]" in first.item_errors[0]
        unchanged = watch.round(poll_all=True)
        assert (unchanged.added, unchanged.item_errors) == (0, [])  # the bad file is not read (and reported) again
        (folder / "b.txt").write_text(DENIAL[1], encoding="utf-8")
        (folder / "a.txt").write_text(TROOPS[1] + " The agency repeated it on Tuesday.", encoding="utf-8")
        assert watch.round(poll_all=True).added == 2
        assert ledger.counts()["articles"] == 3


def test_sources_and_rules_are_checked_before_they_are_stored(tmp_path):
    with pytest.raises(InvalidWatch, match="no such folder"):
        checked_target(str(tmp_path / "missing"))
    with pytest.raises(InvalidWatch, match="only http"):
        checked_target("ftp://example.org/feed")
    assert [parse_interval(x) for x in ("90", "90s", "15m", "1h", "1d")] == [90, 90, 900, 3600, 86400]
    for bad in ("0", "15 minutes", "8d", "-5m"):
        with pytest.raises(InvalidWatch, match="interval"):
            parse_interval(bad)
    for args, problem in ((("rumour",), "unknown rule kind"), (("support",), "threshold"),
                          (("entity",), "needs the entity"), (("evidence", None, None, "selfie"), "evidence kind"),
                          (("phrase", 3, None, "x"), "every claim"), (("status", None, 2), "only a support rule")):
        with pytest.raises(InvalidWatch, match=problem):
            new_rule(*args)
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.watch(str(tmp_path), 60)
        with pytest.raises(InvalidWatch, match="already watched"):
            ledger.watch(str(tmp_path), 120)
        with pytest.raises(InvalidWatch, match="no claim 7"):
            ledger.add_alert_rule(new_rule("status", 7))


def test_a_claim_rule_fires_for_its_own_claim_only():
    before, after = ClaimState("x", "unverified", 0, 1), ClaimState("x", "contested", 1, 2)
    on_claim_3 = AlertRule(1, "first-denial", claim_id=3)
    assert claim_events(on_claim_3, 4, before, after, 10) == []
    assert [e for e, _ in claim_events(on_claim_3, 3, before, after, 10)] == ["claim 3"]
    assert claim_events(AlertRule(2, "status"), 3, None, after, 10) == []  # a claim opened is not a change
    assert claim_events(AlertRule(3, "support", threshold=2), 3, after, after, 11) == []  # reached earlier


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_alerts(request, tmp_path_factory):
    """The example corpus ingested twice under one rule of each kind: (alerts, claims, statements, evidence)."""
    with Ledger(new_ledger_target(request, tmp_path_factory.mktemp("rules"))) as ledger:
        rules = {kind: ledger.add_alert_rule(new_rule(kind, None, at, value)).id for kind, at, value in (
            ("first-denial", None, None), ("support", 2, None), ("status", None, None),
            ("entity", None, "kim song"), ("phrase", None, '"special forces"'), ("evidence", None, "photo"))}
        ingest_paths([*CORPUS, *CORPUS], ledger)
        fired = ledger.alerts(limit=10000, newest_first=False)
        claims = {c.id: c for c in ledger.claims(limit=10000)}
        # Copies (wire reprints) fire claim rules only: their statements were alerted on in the original.
        statements = ledger.db.execute("SELECT s.id, s.speaker_entity, s.origin_speaker, s.content FROM statements s"
                                       " JOIN articles a ON a.id = s.article_id WHERE a.copy_of IS NULL").fetchall()
        evidence = {article_id: [e["kind"] for e in json.loads(extraction)["evidence"]] for article_id, extraction
                    in ledger.db.execute("SELECT id, extraction FROM articles WHERE copy_of IS NULL")}
    return {kind: [a for a in fired if a.rule_id == rule] for kind, rule in rules.items()}, claims, statements, evidence


def test_each_rule_fires_once_per_event_and_for_every_event(corpus_alerts):
    by_kind, claims, statements, evidence = corpus_alerts
    every = [(a.rule_id, a.event) for alerts in by_kind.values() for a in alerts]
    assert len(every) == len(set(every)) and all(by_kind.values())
    denied = {c.id for c in claims.values() if c.deny_raw + c.disagree_articles}
    assert sorted(a.claim_id for a in by_kind["first-denial"]) == sorted(denied)
    assert sorted(a.claim_id for a in by_kind["support"]) == sorted(c.id for c in claims.values()
                                                                    if c.support_independent >= 2)
    latest_status = {a.claim_id: a.message.rsplit(" to ", 1)[1] for a in by_kind["status"]}
    assert all(claims[claim_id].status == status for claim_id, status in latest_status.items())
    kim = {sid for sid, speaker, origin, _ in statements if "kim song" in (str(speaker).lower(), str(origin).lower())}
    assert kim and {a.statement_id for a in by_kind["entity"]} == kim
    assert {a.statement_id for a in by_kind["phrase"]} == {sid for sid, _, _, content in statements
                                                            if "special forces" in content.lower()}
    assert {a.article_id for a in by_kind["evidence"]} == {aid for aid, kinds in evidence.items() if "photo" in kinds}


def test_the_webhook_gets_every_alert_in_order_signed_and_again_only_when_it_failed(tmp_path, server):
    answers = iter([500, 500])  # the receiver fails twice, then takes everything
    server.hook = lambda request: next(answers, 200)
    server.routes["/feed"] = Route(rss([TROOPS, DENIAL]))
    hook = Webhook(f"{server.url}/hook", secret="s3cret", first_backoff_s=0.01)
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.add_alert_rule(new_rule("first-denial"))
        ledger.add_alert_rule(new_rule("phrase", value="special forces"))
        ledger.watch(checked_target(f"{server.url}/feed"), 60)
        watch, lines, printed = watcher(ledger, webhook=hook)
        watch.round()
        fired = [a.id for a in ledger.alerts(newest_first=False)]
        posts = server.posts("/hook")
        ids = [json.loads(p.body)["id"] for p in posts]
        assert len(fired) == 3 and ids == [fired[0]] * 3 + fired[1:] and [a.id for a in printed] == fired
        for post in posts:
            expected = "sha256=" + hmac.new(b"s3cret", post.body, hashlib.sha256).hexdigest()
            assert post.headers[SIGNATURE_HEADER] == expected and post.headers["X-Claimledger-Alert"] == str(
                json.loads(post.body)["id"])
        assert json.loads(posts[-1].body)["links"]["claim"].startswith("/claims/")
        # A second watcher on the same ledger and webhook sends nothing twice.
        watcher(ledger, webhook=hook)[0].round(poll_all=True)
        assert len(server.posts("/hook")) == len(posts)
        # A receiver that is down: the alert waits, the error is said, nothing is skipped.
        server.hook = lambda request: 503
        server.routes["/feed"] = Route(rss([TROOPS, DENIAL, KYIV, ("Pentagon", "The Pentagon said North Korean special forces troops were training in eastern Russia.")]))
        late, late_lines, _ = watcher(ledger, webhook=Webhook(hook.url, hook.secret, attempts=2, first_backoff_s=0.01))
        late.round(poll_all=True)
        assert any("[E023] webhook delivery failed" in line and "HTTP 503" in line for line in late_lines)
        waiting = [a.id for a in ledger.alerts(after_id=fired[-1], newest_first=False)]
        assert waiting and ledger.webhook_cursor(hook.url) == fired[-1]
        server.hook = None
        watcher(ledger, webhook=hook)[0].deliver()
        assert [json.loads(p.body)["id"] for p in server.posts("/hook")][-len(waiting):] == waiting


def test_the_command_line_manages_the_watchlist_and_prints_alerts_as_json_lines(tmp_path, server):
    server.routes["/feed"] = Route(rss([TROOPS, DENIAL]))
    db = str(tmp_path / "ledger.db")

    def cli(*args, check=True):
        done = subprocess.run([CLAIMLEDGER, *args, "--db", db], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "COLUMNS": "200"})
        assert done.returncode == 0 or not check, done.stderr
        return done

    assert "watching" in cli("watch", "add", f"{server.url}/feed", f"{server.url}/gone", "--every", "10m").stdout
    assert "alert rule 1: first denial of any claim" in cli("alert", "add", "first-denial").stdout
    run = cli("watch", "--once", "--print", "--attribution", "rules", check=False)
    assert run.returncode == 1  # one source failed
    printed = [json.loads(line) for line in run.stdout.splitlines()]
    assert printed and printed[0]["rule"]["kind"] == "first-denial" and printed[0]["id"] == 1
    assert "2 polled, 2 new articles, 1 alert fired, 1 failed" in run.stderr and "HTTP 404" in run.stderr
    status = cli("watch", "status").stdout
    assert "HTTP 404" in status and "never" in status
    assert "10m" in cli("watch", "list").stdout
    assert "no longer watching" in cli("watch", "remove", f"{server.url}/gone").stdout
    assert "/gone" not in cli("watch", "list").stdout
    fired = cli("alert", "fired", "--json").stdout
    assert json.loads(fired.splitlines()[0]) == printed[0]
    assert "cannot watch: no watched source 9" in cli("watch", "remove", "9", check=False).stderr


def test_the_api_and_pages_manage_watching_behind_the_token(tmp_path, server):
    path = tmp_path / "ledger.db"
    with Ledger(path) as ledger:
        ledger.add_alert_rule(new_rule("entity", value="Kim <b>Song</b>"))
        ledger.add_alert_rule(new_rule("first-denial"))
        ledger.watch(checked_target(str(tmp_path)), 60)
        ingest_paths([ROOT / "examples" / "corpus"], ledger)
        total = len(ledger.alerts(limit=1000))
    bearer = {"authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(path, token=TOKEN)) as client:
        feed = {"target": f"{server.url}/feed", "every": "5m"}
        assert client.post("/api/watch", json=feed).status_code == 401
        added = client.post("/api/watch", json=feed, headers=bearer)
        assert added.status_code == 201 and added.json()["interval_s"] == 300
        refused = client.post("/api/watch", json={"target": "/etc"}, headers=bearer)
        assert refused.status_code == 422 and "only http(s) URLs" in refused.json()["detail"]
        assert [s["kind"] for s in client.get("/api/watch").json()] == ["folder", "url"]
        assert client.delete(f"/api/watch/{added.json()['id']}").status_code == 401
        assert client.delete(f"/api/watch/{added.json()['id']}", headers=bearer).status_code == 200
        rule = client.post("/api/alert-rules", json={"kind": "support", "at": 3}, headers=bearer)
        assert rule.status_code == 201 and rule.json()["watches"] == "independent support of any claim reaches 3"
        assert client.post("/api/alert-rules", json={"kind": "support"}, headers=bearer).status_code == 422
        assert client.delete(f"/api/alert-rules/{rule.json()['id']}", headers=bearer).status_code == 200
        assert len(client.get("/api/alert-rules").json()) == 2
        newest = client.get("/api/alerts", params={"limit": 2}).json()
        assert len(newest["items"]) == 2 and newest["next"] and newest["items"][0]["id"] == total
        assert client.get("/api/alerts", params={"after": total - 1}).json()["items"][0]["id"] == total
        assert len(client.get("/api/alerts", params={"since": "2000-01-01", "limit": 500}).json()["items"]) == total
        assert client.get("/api/alerts", params={"since": "2999-01-01"}).json()["items"] == []
        assert client.get("/api/alerts", params={"since": "yesterday"}).status_code == 422
        atom = client.get("/alerts.atom")
        assert atom.headers["content-type"].startswith("application/atom+xml")
        entries = ElementTree.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
        assert len(entries) == min(total, 100)
        page = client.get("/alerts").text
        assert "Kim &lt;b&gt;Song&lt;/b&gt;" in page and "<b>Song</b>" not in page
        form = {"token": TOKEN, "kind": "phrase", "value": "troops", "claim": "", "at": ""}
        assert client.post("/alerts/rules", data=form, follow_redirects=False).status_code == 303
        assert client.post("/alerts/rules", data={**form, "token": "wrong"}).status_code == 401
        assert client.post("/alerts/rules", data={**form, "kind": "nope"}).status_code == 422
        watch_form = {"token": TOKEN, "target": f"{server.url}/other", "every": "1h"}
        assert client.post("/watch", data=watch_form, follow_redirects=False).status_code == 303
        watched = client.get("/watch").text
        assert f"{server.url}/other" in watched and "<td>1h</td>" in watched


def test_a_wire_copy_fires_claim_rules_only(tmp_path, nlp):
    from claimledger import extract
    from claimledger.schema import Article

    text = CORPUS[2].read_text(encoding="utf-8")  # Kim Song's denial
    reprint = text + "\n\nThis story was distributed by the Continental Wire service."
    with Ledger(tmp_path / "ledger.db") as ledger:
        entity = ledger.add_alert_rule(new_rule("entity", value="Kim Song")).id
        for source, body in (("original.txt", text), ("reprint.txt", reprint)):
            ledger.add(Article(text=body, source=source), extract(body, source=source, nlp=nlp))
        assert ledger.copy_of(2) == 1
        fired = ledger.alerts(limit=1000)
    assert fired and {a.article_id for a in fired if a.rule_id == entity} == {1}


def test_a_watched_page_is_stored_again_only_when_its_text_changes(tmp_path, server):
    page = next((ROOT / "examples" / "corpus").glob("*.html")).read_bytes()
    server.routes["/story"] = Route(page, content_type="text/html; charset=utf-8")
    with Ledger(tmp_path / "ledger.db") as ledger:
        ledger.watch(checked_target(f"{server.url}/story"), 60)
        watch, _, _ = watcher(ledger)
        assert watch.round().added == 1
        assert (watch.round(poll_all=True).not_modified, ledger.counts()["articles"]) == (1, 1)
        # The same text under new markup (no validators: a full GET) is not stored twice.
        server.routes["/story"] = Route(page.replace(b"<body>", b"<body><!-- ad slot -->"),
                                        content_type="text/html", validators=False)
        assert watch.round(poll_all=True).added == 0
        server.routes["/story"] = Route(page.replace(b"</p>", b" An update followed on Tuesday.</p>", 1),
                                        content_type="text/html")
        assert watch.round(poll_all=True).added == 1
        assert [s.articles_added for s in ledger.watched()] == [2]
