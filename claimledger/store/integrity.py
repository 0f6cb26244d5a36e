"""``claimledger check``: verify a ledger's integrity and name every problem found.

Checks the database file itself, its references, that each article's hash matches its text, that
each stored statement matches its article's extraction and lies at the offsets it claims, that every
claim's counts agree with its members, and (SQLite) that the full-text index agrees with the statements.
The checks of rows read one snapshot, so an ingest running meanwhile is not mistaken for damage, and
stream the articles rather than load them all."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .claims_sql import COUNTED_COLUMNS, claim_figures
from .database import Database
from .schema import REFERENCES, metadata


@dataclass
class Problem:
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.detail}"


def database_file(db: Database) -> list[Problem]:
    return [Problem(check, detail) for check, detail in db.engine_problems()]


def references(db: Database) -> list[Problem]:
    """Rows pointing to a missing row (SQLite enforces references only where foreign keys are on)."""
    found = []
    for table, column, parent in REFERENCES:
        key = metadata.tables[table].primary_key.columns.values()[0].name
        found += [Problem("reference", f"{table} row {row_key} points to a missing {parent} row")
                  for (row_key,) in db.execute(
                      f"SELECT c.{key} FROM {table} c LEFT JOIN {parent} p ON p.id = c.{column}"
                      f" WHERE c.{column} IS NOT NULL AND p.id IS NULL")]
    return found


def article_hashes(db: Database) -> list[Problem]:
    from .ledger import content_hash

    return [Problem("article hash", f"article {article_id}: its hash does not match its text")
            for article_id, stored, text in db.stream("SELECT id, content_hash, text FROM articles")
            if not isinstance(text, str) or content_hash(text) != stored]


def statements_match_articles(db: Database) -> list[Problem]:
    """Each stored statement is one of its article's extracted statements, at its offsets in the text."""
    found = []
    for article_id, text, extraction in db.stream("SELECT id, text, extraction FROM articles"):
        try:
            extracted = json.loads(extraction)["statements"]
        except (TypeError, ValueError, KeyError):
            found.append(Problem("extraction", f"article {article_id}: its stored extraction is not readable"))
            continue
        stored = db.execute("SELECT position, content, content_start, content_end FROM statements"
                              " WHERE article_id = ? ORDER BY position", (article_id,)).fetchall()
        if [row[0] for row in stored] != list(range(len(extracted))):
            found.append(Problem("statements", f"article {article_id}: positions {[row[0] for row in stored][:10]} "
                                               f"stored, {len(extracted)} statements in its extraction"))
            continue
        for position, content, start, end in stored:
            expected = extracted[position].get("content") if isinstance(extracted[position], dict) else None
            if content != expected or (start is not None and (text or "")[start:end] != content):
                found.append(Problem("statement span", f"article {article_id} statement {position}: its content "
                                                       "is not the text at its offsets"))
    return found


def claim_counts(db: Database) -> list[Problem]:
    found = []
    for row in db.stream(f"SELECT id, {', '.join(COUNTED_COLUMNS)} FROM claims"):
        stored = dict(zip(COUNTED_COLUMNS, row[1:]))
        expected = claim_figures(db, row[0])
        differing = [f"{c} {stored[c]} (members give {expected[c]})" for c in COUNTED_COLUMNS if stored[c] != expected[c]]
        if differing:
            found.append(Problem("claim counts", f"claim {row[0]}: " + ", ".join(differing)))
    return found


ROW_CHECKS = (references, article_hashes, statements_match_articles, claim_counts)


def check(db: Database) -> list[Problem]:
    problems = database_file(db)  # the engine's own checks, each one statement (SQLite's writes one)
    with db.snapshot():
        for run in ROW_CHECKS:
            problems += run(db)
    return problems
