"""Shared fixtures: the default pipeline is loaded once per test session; store tests run on
both backends through ``ledger_target`` (a SQLite file, or a database on a throwaway PostgreSQL
server started once per session)."""

import socket
import threading
import time
from contextlib import contextmanager

import pytest

from claimledger import load_model
from claimledger.store.database import Database
from throwaway_postgres import throwaway_postgres

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture(scope="session")
def postgres_server():
    with throwaway_postgres() as server:
        yield server


def new_ledger_target(request, folder) -> str:
    """Where a ledger for ``request.param``'s backend goes: a SQLite file, or a new PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_server").new_database()
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "ledger.db")


@pytest.fixture(params=BACKENDS)
def ledger_target(request, tmp_path):
    return new_ledger_target(request, tmp_path)


@pytest.fixture(scope="session")
def extract_text(nlp):
    from claimledger import extract

    def run(text, published=None):
        return extract(text, published=published, nlp=nlp)

    return run


@contextmanager
def live_server(app):
    """Serve an ASGI app with uvicorn on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


def story_snapshot(db) -> dict:
    """The ledger's stories, keyed by article text hash and statement position rather than row ids."""
    conn = Database(db, read_only=True)
    try:
        hash_of = dict(conn.execute("SELECT id, content_hash FROM articles"))
        return {
            "placed": sorted((hash_of[a], s, title, stance) for a, s, title, stance in conn.execute(
                "SELECT ast.article_id, ast.story_id, s.title, ast.stance FROM article_stories ast"
                " JOIN stories s ON s.id = ast.story_id")),
            "members": sorted((hash_of[a], p, story) for a, p, story in conn.execute(
                "SELECT s.article_id, s.position, cs.story_id FROM claim_statements cs"
                " JOIN statements s ON s.id = cs.statement_id")),
            "stories": sorted(conn.execute("SELECT id, title, status, support_independent, deny_independent,"
                                           " statements, articles FROM stories WHERE merged_into IS NULL")),
        }
    finally:
        conn.close()


def snapshot(db) -> dict:
    """The ledger's content, keyed by article text hash and statement position rather than row ids."""
    conn = Database(db, read_only=True)
    try:
        hash_of = dict(conn.execute("SELECT id, content_hash FROM articles"))
        canonical = dict(conn.execute("SELECT id, canonical FROM claims"))
        return {
            "articles": sorted((h, s, hash_of.get(c)) for h, s, c in conn.execute(
                "SELECT content_hash, source, copy_of FROM articles")),
            "statements": sorted((hash_of[a], p, c, st) for a, p, c, st in conn.execute(
                "SELECT article_id, position, content, stance FROM statements")),
            "claims": sorted(conn.execute("SELECT canonical, status, support_raw, support_independent, deny_raw,"
                                          " deny_independent, statements FROM claims WHERE statements > 0")),
            "members": sorted((hash_of[a], p, canonical[c], side) for a, p, c, side in conn.execute(
                "SELECT s.article_id, s.position, cs.claim_id, cs.side FROM claim_statements cs"
                " JOIN statements s ON s.id = cs.statement_id")),
            "article stances": sorted((hash_of[a], canonical[c], st) for a, c, st in conn.execute(
                "SELECT article_id, claim_id, stance FROM article_claims")),
        }
    finally:
        conn.close()
