"""Verdicts and merges in the ledger.  Functions take an open ``Database``; the Ledger calls the
writing ones inside its write transaction."""

from __future__ import annotations

from typing import Optional, Sequence

from ..errors import InvalidReview
from ..ledger.reviews import Merge, Verdict, checked_text
from .database import Database

VERDICT_COLUMNS = "claim_id, rating, reviewer, reviewed_on, note, recorded_at"
MERGE_COLUMNS = "claim_id, into_claim_id, reason, merged_by, statements, merged_at"


ROW_NAMES = {"claims": "claim", "stories": "story"}


def live_row(db: Database, table: str, row_id: int, what: str) -> None:
    """Refuse a claim or story (``table``: claims, stories) that does not exist or was merged into another."""
    row = db.execute(f"SELECT merged_into FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        raise InvalidReview(str(row_id), problem=f"no {what} {row_id}")
    if row[0] is not None:
        raise InvalidReview(str(row_id), problem=f"{what} {row_id} was merged into {ROW_NAMES[table]} {row[0]}")


def live_claim(db: Database, claim_id: int, what: str = "claim") -> None:
    live_row(db, "claims", claim_id, what)


def merge_sources(db: Database, table: str, row_ids: Sequence[int], into: int) -> list[int]:
    """The claims or stories to merge into ``into``, each once, after checking the merge makes sense."""
    what = ROW_NAMES[table]
    live_row(db, table, into, f"target {what}")
    sources = list(dict.fromkeys(row_ids))
    if not sources:
        raise InvalidReview(table, problem=f"name at least one {what} to merge")
    if into in sources:
        raise InvalidReview(str(into), problem=f"{what} {into} cannot be merged into itself")
    return sources


def record_verdict(db: Database, verdict: Verdict) -> Verdict:
    live_claim(db, verdict.claim_id)
    recorded_at = db.execute(
        "INSERT INTO verdicts (claim_id, rating, reviewer, reviewed_on, note) VALUES (?, ?, ?, ?, ?)"
        " RETURNING recorded_at",
        (verdict.claim_id, verdict.rating, verdict.reviewer, verdict.reviewed_on, verdict.note)).fetchone()[0]
    return Verdict(verdict.claim_id, verdict.rating, verdict.reviewer, verdict.reviewed_on, verdict.note,
                   str(recorded_at))


def verdicts_of(db: Database, claim_id: int) -> list[Verdict]:
    """A claim's verdicts, the latest first (the latest is the claim's current one)."""
    return [Verdict(*row[:5], str(row[5])) for row in db.execute(
        f"SELECT {VERDICT_COLUMNS} FROM verdicts WHERE claim_id = ? ORDER BY id DESC", (claim_id,))]


def merge_claims(db: Database, claim_ids: Sequence[int], into: int, reason: str, merged_by: str) -> list[Merge]:
    """Move the statements (and article stances) of ``claim_ids`` to claim ``into``; each merged claim
    keeps its id, points at ``into`` and leaves one audit row.  The caller recounts the claims."""
    reason, merged_by = checked_text(reason, "reason"), checked_text(merged_by, "merged by")
    sources = merge_sources(db, "claims", claim_ids, into)
    merges = []
    for claim_id in sources:
        live_claim(db, claim_id)
        moved = db.scalar("SELECT count(*) FROM claim_statements WHERE claim_id = ?", (claim_id,))
        db.execute("UPDATE claim_statements SET claim_id = ? WHERE claim_id = ?", (into, claim_id))
        db.execute("INSERT INTO article_claims (article_id, claim_id, stance, basis)"
                   " SELECT article_id, ?, stance, basis FROM article_claims WHERE claim_id = ?"
                   " ON CONFLICT (article_id, claim_id) DO NOTHING", (into, claim_id))
        db.execute("DELETE FROM article_claims WHERE claim_id = ?", (claim_id,))
        db.execute("UPDATE claims SET merged_into = ? WHERE id = ? OR merged_into = ?", (into, claim_id, claim_id))
        merged_at = db.execute(
            "INSERT INTO claim_merges (claim_id, into_claim_id, reason, merged_by, statements) VALUES (?, ?, ?, ?, ?)"
            " RETURNING merged_at", (claim_id, into, reason, merged_by, moved)).fetchone()[0]
        merges.append(Merge(claim_id, into, reason, merged_by, moved, str(merged_at)))
    return merges


def merges_into(db: Database, claim_id: int) -> list[Merge]:
    """The claims merged into this one, oldest merge first."""
    return [Merge(*row[:5], str(row[5])) for row in db.execute(
        f"SELECT {MERGE_COLUMNS} FROM claim_merges WHERE into_claim_id = ? ORDER BY id", (claim_id,))]


def merged_into(db: Database, claim_id: int) -> Optional[int]:
    return db.scalar("SELECT merged_into FROM claims WHERE id = ?", (claim_id,))
