"""What the store promises on both backends: migrations that give schema.py's tables, concurrent
ingests that neither duplicate nor lose, and SQLite ledgers from before Alembic adopted."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import snapshot
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from claimledger.errors import LedgerError
from claimledger.ingest.batch import ingest_paths
from claimledger.store.database import Database, display_name, sqlalchemy_url
from claimledger.store.ledger import Ledger
from claimledger.store.schema import metadata

ROOT = Path(__file__).resolve().parent.parent
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))
CORPUS = ROOT / "examples" / "corpus"
# Each engine's full-text search objects live only in the migrations.
SEARCH_OBJECTS = {"statements_fts", "statements_fts_data", "statements_fts_idx", "statements_fts_docsize",
                  "statements_fts_config", "search_vector", "statements_search"}


def names_in(difference) -> set:
    return {getattr(part, "name", None) for part in (difference if isinstance(difference, tuple) else [difference])
            if not isinstance(part, str)}


# SQLAlchemy cannot reflect SQLite's expression indexes (the lower() ones), so it skips comparing them.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_give_the_tables_schema_defines(ledger_target):
    Ledger(ledger_target).close()
    engine = create_engine(sqlalchemy_url(ledger_target), poolclass=NullPool)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert [d for d in differences if not names_in(d) & SEARCH_OBJECTS] == []


def test_reopening_a_ledger_keeps_everything(ledger_target):
    with Ledger(ledger_target) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:3], ledger)
    before = snapshot(ledger_target)
    Ledger(ledger_target).close()
    assert snapshot(ledger_target) == before and len(before["articles"]) == 3


def test_concurrent_ingests_duplicate_nothing(ledger_target, tmp_path):
    reference = tmp_path / "reference.db"
    with Ledger(reference) as ledger:
        ingest_paths([CORPUS], ledger)
    # Two processes ingest the same corpus into one ledger at once, in opposite orders.
    files = sorted(p for p in CORPUS.iterdir() if p.suffix != ".md")
    runs = [subprocess.Popen([CLAIMLEDGER, "ingest", "--workers", "1", "--db", ledger_target, *map(str, order)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for order in (files, files[::-1])]
    for run in runs:
        assert run.wait(timeout=600) == 0, run.stderr.read()
    together, alone = snapshot(ledger_target), snapshot(reference)
    # Which of a wire story and its reprint counts as the original depends on which was stored first.
    assert [a[:2] for a in together["articles"]] == [a[:2] for a in alone["articles"]]
    assert together["statements"] == alone["statements"]
    # Every statement joined exactly one claim, and the counts agree with the members.
    assert len(together["members"]) == len(alone["members"])
    check = subprocess.run([CLAIMLEDGER, "check", "--db", ledger_target], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def legacy_ledger(path: Path, format_version: int) -> None:
    """A ledger as claimledger stored it before Alembic: NOCASE speaker indexes, PRAGMA user_version."""
    with Ledger(path) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:2], ledger)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "DROP TABLE alembic_version; DROP INDEX statements_speaker_lower; DROP INDEX statements_origin_lower;"
            "DROP INDEX claim_statements_claim_of;"
            "ALTER TABLE statements DROP COLUMN kind; ALTER TABLE statements DROP COLUMN nested;"  # added by 0002
            "DROP TABLE webhook_cursors; DROP TABLE alerts; DROP TABLE alert_rules; DROP TABLE watch_sources;"  # by 0004
            "DROP TABLE story_edits; DROP TABLE article_stories; DROP TABLE stories; DROP INDEX claims_story;"  # by 0005-6
            "DROP INDEX claim_statements_story_claim; ALTER TABLE claims DROP COLUMN story_id;"
            "ALTER TABLE claim_statements DROP COLUMN story_id; ALTER TABLE articles DROP COLUMN stories_assigned;"
            "ALTER TABLE articles DROP COLUMN lead_vector;"
            "DROP TABLE verdicts; DROP TABLE claim_merges; ALTER TABLE claims DROP COLUMN merged_into;"  # by 0003
            "ALTER TABLE claim_statements DROP COLUMN facet; ALTER TABLE claims DROP COLUMN agree_articles;"
            "ALTER TABLE claims DROP COLUMN disagree_articles; ALTER TABLE claims DROP COLUMN discuss_articles;"
            "CREATE INDEX statements_speaker_nocase ON statements(speaker_entity COLLATE NOCASE);"
            "CREATE INDEX statements_origin_nocase ON statements(origin_speaker COLLATE NOCASE);"
            f"PRAGMA user_version = {format_version};")


def test_a_ledger_from_before_alembic_is_adopted(tmp_path):
    path = tmp_path / "old.db"
    legacy_ledger(path, 6)
    before = snapshot(path)
    with Ledger(path) as ledger:
        assert ledger.check() == [] and ledger.claims(entity=ledger.claims()[0].canonical.split()[0]) is not None
    assert snapshot(path) == before
    with sqlite3.connect(path) as conn:
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        # stamped 0001 (the legacy format), then upgraded: 0002 statement kinds, 0003 reviews, 0004 watching,
        # 0005 stories, 0006 story propositions
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0006"
        assert {row[1] for row in conn.execute("PRAGMA table_info(statements)")} >= {"kind", "nested"}
    assert {"statements_speaker_lower", "statements_origin_lower"} <= indexes
    assert not {"statements_speaker_nocase", "statements_origin_nocase"} & indexes


def test_an_older_development_ledger_is_refused_by_name(tmp_path):
    path = tmp_path / "older.db"
    legacy_ledger(path, 4)
    with pytest.raises(LedgerError, match="older.db.*format 4"):
        Ledger(path)


def test_search_ignores_nul_and_search_syntax_on_both_backends(ledger_target):
    with Ledger(ledger_target) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:2], ledger)
        for text in ("a\x00b", '"unbalanced', "NEAR(x y)", "x AND OR", "troops' OR 1=1 --", "%_\\"):
            assert isinstance(ledger.claims(search=text), list) and isinstance(ledger.claims(entity=text), list)
    reader = Database(ledger_target, read_only=True)
    with pytest.raises(LedgerError):
        reader.execute("DELETE FROM articles")
    reader.close()


def test_urls_are_shown_without_their_password_and_bad_ones_named(postgres_server):
    url = postgres_server.new_database().replace("postgres@", "postgres:s3cret@")
    assert display_name(url + "?password=other") == display_name(url) and "s3cret" not in display_name(url)
    with pytest.raises(LedgerError, match="not a valid PostgreSQL URL"):
        Ledger("postgresql://u:pw@host:notaport/db")
    wrong = url.rsplit("/", 1)[0] + "/no_such_ledger"
    with pytest.raises(LedgerError) as raised:
        Ledger(wrong)
    assert "s3cret" not in str(raised.value) and "no_such_ledger" in str(raised.value)


def test_sqlite_paths_may_hold_url_characters(tmp_path):
    odd = tmp_path / "my?ledger#1.db"
    with Ledger(odd) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:1], ledger)
    assert odd.exists() and snapshot(odd)["articles"] and not (tmp_path / "my").exists()


def test_check_reads_one_snapshot_while_another_process_commits(ledger_target, monkeypatch):
    from claimledger.store import integrity

    with Ledger(ledger_target) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:3], ledger)
        assert ledger.db.scalar("SELECT count(*) FROM claims") > 0

        def commit_elsewhere(db):
            db.scalar("SELECT count(*) FROM claims")  # the snapshot starts at the first read
            other = Database(ledger_target)
            with other.writing():
                other.execute("UPDATE claims SET support_raw = support_raw + 5")
            other.close()
            return []

        monkeypatch.setattr(integrity, "ROW_CHECKS", (commit_elsewhere, *integrity.ROW_CHECKS))
        assert ledger.check() == []  # the counts as they were when the check began agree
        monkeypatch.undo()
        assert {p.check for p in ledger.check()} == {"claim counts"}  # the later commit is seen, and is wrong


def test_streamed_rows_are_the_queried_rows(ledger_target):
    with Ledger(ledger_target) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:3], ledger)
        query = "SELECT id, content_hash, text FROM articles ORDER BY id"
        with ledger.db.snapshot() as db:
            assert list(map(tuple, db.stream(query))) == list(map(tuple, db.execute(query).fetchall()))
            assert len(list(db.stream(query))) == 3


def test_a_snapshot_refuses_writes(ledger_target):
    with Ledger(ledger_target) as ledger:
        with pytest.raises(LedgerError), ledger.db.snapshot() as db:
            db.execute("DELETE FROM articles")


def test_ledger_rows_stream_every_statement_in_order(ledger_target):
    with Ledger(ledger_target) as ledger:
        ingest_paths(sorted(CORPUS.glob("*.txt"))[:3], ledger)
        rows = list(ledger.rows())
        assert len(rows) == ledger.db.scalar("SELECT count(*) FROM statements") > 2
        assert list(ledger.rows(2)) == rows[:2]
        ledger.db.execute("SELECT 1")  # the connection is usable again once the rows are read
