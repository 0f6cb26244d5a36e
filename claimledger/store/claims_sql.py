"""Claims in the ledger: assignment on ingest, per-claim counts, and the queries behind
``claims``, ``claim`` and ``entity``.  Functions take an open ``Database``; the Ledger calls them
inside its transactions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator, Optional

from ..ledger.article_stance import ClaimInArticle, article_stances, content_reading, stance_model
from ..ledger.claims import SIDES as SIDE_OF_STANCE
from ..ledger.claims import ClaimIndex, assign_statements, matched_text
from ..ledger.independence import Member, claim_status, count_side, tallies
from ..ledger.reviews import Merge, Verdict
from ..schema import speaks
from ..text import content_terms, sentences
from . import reviews_sql
from .database import ALL_ROWS, Database

SIDES = tuple(SIDE_OF_STANCE.values())


def load_index(db: Database, index: Optional[ClaimIndex] = None, after_article: int = 0) -> tuple[ClaimIndex, int]:
    """The claim index rebuilt from stored assignments (or ``index`` extended with those of articles
    after ``after_article``), and the next free claim id."""
    index = index or ClaimIndex()
    rows = db.execute("SELECT coalesce(cs.facet, cs.claim_id), s.content, s.speaker FROM claim_statements cs"
                      " JOIN statements s ON s.id = cs.statement_id WHERE cs.similarity > 0 AND s.article_id > ?"
                      " ORDER BY cs.statement_id", (after_article,))
    for facet, content, speaker in rows:
        content = matched_text(content)  # as assign_statements matched it
        terms = content_terms(content)
        index.observe(terms)
        index.add(facet, content, terms, speaker)
    next_id = (db.scalar("SELECT max(id) FROM claims") or 0) + 1
    return index, next_id


def merged_claims(db: Database) -> dict[int, int]:
    """Each merged claim and the live claim that took its statements."""
    return dict(db.execute("SELECT id, merged_into FROM claims WHERE merged_into IS NOT NULL"))


def assign_article(db: Database, index: ClaimIndex, next_claim_id: int, article_id: int
                   ) -> tuple[set[int], int]:
    """Assign an article's stored statements to claims; returns the claims touched and the next id."""
    # Only a source's own word joins a claim: not what an image shows, nor an actor's decision or
    # belief reported inside another's statement.
    statements = [(statement_id, content, stance, speaker) for statement_id, content, stance, speaker, kind, nested
                  in db.execute("SELECT id, content, stance, speaker, kind, nested FROM statements"
                                " WHERE article_id = ? ORDER BY position", (article_id,)) if speaks(kind, nested)]
    assignments, next_claim_id = assign_statements(index, statements, next_claim_id, content_reading(stance_model()))
    touched = {a.claim_id for a in assignments}
    db.executemany("INSERT INTO claims (id, canonical, status) VALUES (?, '', 'unverified')"
                   " ON CONFLICT (id) DO NOTHING", [(claim_id,) for claim_id in sorted(touched)])
    db.executemany("INSERT INTO claim_statements (statement_id, claim_id, side, similarity, facet)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (statement_id) DO UPDATE SET claim_id = excluded.claim_id,"
                   " side = excluded.side, similarity = excluded.similarity, facet = excluded.facet",
                   [(a.statement_id, a.claim_id, a.side, a.similarity, a.facet) for a in assignments])
    db.execute("UPDATE articles SET claims_assigned = 1 WHERE id = ?", (article_id,))
    # A live claim's own facet carries its wording; merged-in facets do not rename it.
    db.executemany("UPDATE claims SET canonical = ? WHERE id = ?",
                     [(index.claims[c].canonical, c) for c in touched if c in index.claims])
    return touched, next_claim_id


def assign_article_stances(db: Database, index: ClaimIndex, article_id: int) -> set[int]:
    """The article's own stance toward each claim its statements joined and toward the other claims
    its sentences restate (``ledger.article_stance``); returns the restated claims it took a
    side on."""
    text = db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    sides: dict[int, list[str]] = {}
    for claim_id, side in db.execute(
            "SELECT cs.claim_id, cs.side FROM claim_statements cs JOIN statements s ON s.id = cs.statement_id"
            " WHERE s.article_id = ? ORDER BY s.position", (article_id,)):
        sides.setdefault(claim_id, []).append(side)
    claims = []
    for claim_id, found in sides.items():
        # EXISTS stops at the first earlier member: hot claims hold thousands.
        canonical, joined = db.execute(
            "SELECT canonical, EXISTS (SELECT 1 FROM claim_statements cs JOIN statements s ON s.id = cs.statement_id"
            " WHERE cs.claim_id = c.id AND s.article_id < ?) FROM claims c WHERE c.id = ?",
            (article_id, claim_id)).fetchone()
        claims.append(ClaimInArticle(canonical, found, opened=not joined))
    model = stance_model()
    restated = index.restated(sentences(text, 10 ** 6), set(sides)) if model is not None else []
    claims += [ClaimInArticle(db.scalar("SELECT canonical FROM claims WHERE id = ?", (claim_id,)), [], opened=False,
                              restated=True) for claim_id in restated]
    judged = article_stances(text, claims, model)
    stored = [(article_id, claim_id, *found) for claim_id, found in zip([*sides, *restated], judged) if found]
    db.executemany("INSERT INTO article_claims (article_id, claim_id, stance, basis) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT (article_id, claim_id) DO UPDATE SET stance = excluded.stance, basis = excluded.basis",
                   stored)
    db.execute("UPDATE articles SET stances_assigned = 1 WHERE id = ?", (article_id,))
    return {claim_id for _, claim_id, *_ in stored if claim_id in restated}


MEMBER_SQL = """
    SELECT cs.statement_id, cs.side, s.article_id, coalesce(a.copy_of, a.id), root.outlet,
           s.origin_speaker, s.origin_anonymous, s.relayed_by, coalesce(s.date, a.published), c.canonical
    FROM claim_statements cs
    JOIN claims c ON c.id = cs.claim_id
    JOIN statements s ON s.id = cs.statement_id
    JOIN articles a ON a.id = s.article_id
    JOIN articles root ON root.id = coalesce(a.copy_of, a.id)
    WHERE {condition}"""


def member_rows(db: Database, condition: str, params: tuple) -> list[tuple[Member, Optional[str], str]]:
    """(member, date, its claim's text) of the claim members (``cs``, claims ``c``) matching ``condition``."""
    return [(Member(*row[:6], bool(row[6]), row[7]), row[8], row[9])
            for row in db.execute(MEMBER_SQL.format(condition=condition), params)]


def members(db: Database, claim_id: int) -> list[tuple[Member, Optional[str]]]:
    return [(member, date) for member, date, _ in member_rows(db, "cs.claim_id = ?", (claim_id,))]


COUNTED_COLUMNS = ("status", "support_raw", "support_independent", "deny_raw", "deny_independent", "hedge_raw",
                   "decline_raw", "statements", "first_seen", "last_activity", "agree_articles",
                   "disagree_articles", "discuss_articles")
ARTICLE_STANCES = ("agree", "disagree", "discuss")


def claim_figures(db: Database, claim_id: int) -> dict[str, object]:
    """A claim's status and counts (``COUNTED_COLUMNS``) as its members give them."""
    found = members(db, claim_id)
    counts = tallies((m for m, _ in found), SIDES)
    dates = sorted(d for _, d in found if d)
    articles = dict(db.execute("SELECT stance, count(*) FROM article_claims WHERE claim_id = ? GROUP BY stance",
                               (claim_id,)).fetchall())
    return {**{f"{stance}_articles": articles.get(stance, 0) for stance in ARTICLE_STANCES},
            "status": claim_status(counts["support"].independent, counts["deny"].raw),
            "support_raw": counts["support"].raw, "support_independent": counts["support"].independent,
            "deny_raw": counts["deny"].raw, "deny_independent": counts["deny"].independent,
            "hedge_raw": counts["hedge"].raw, "decline_raw": counts["decline"].raw, "statements": len(found),
            "first_seen": dates[0] if dates else None, "last_activity": dates[-1] if dates else None}


def refresh_claim(db: Database, claim_id: int) -> None:
    """Recount a claim's sides and status from its members."""
    figures = claim_figures(db, claim_id)
    db.execute(f"UPDATE claims SET {', '.join(c + ' = ?' for c in COUNTED_COLUMNS)} WHERE id = ?",
                 (*(figures[c] for c in COUNTED_COLUMNS), claim_id))


@dataclass
class ClaimSummary:
    id: int
    canonical: str
    status: str
    support_raw: int
    support_independent: int
    deny_raw: int
    deny_independent: int
    hedge_raw: int
    decline_raw: int
    statements: int
    first_seen: Optional[str]
    last_activity: Optional[str]
    agree_articles: int  # articles whose own stance toward the claim is agree (ledger.article_stance)
    disagree_articles: int
    discuss_articles: int


SUMMARY_COLUMNS = ("id, canonical, status, support_raw, support_independent, deny_raw, deny_independent,"
                   " hedge_raw, decline_raw, statements, first_seen, last_activity, agree_articles,"
                   " disagree_articles, discuss_articles")


def claims_of(statement_ids: str) -> str:
    """Condition on ``c.id``: the claim of one of the statements the SQL ``statement_ids`` selects.
    Each statement's claim is looked up by key, so the cost follows the matches, not the ledger."""
    return (f"c.id IN (SELECT (SELECT cs.claim_id FROM claim_statements cs WHERE cs.statement_id = m.id)"
            f" FROM ({statement_ids}) m)")


def list_claims(db: Database, entity: Optional[str] = None, status: Optional[str] = None,
                since: Optional[str] = None, search: Optional[str] = None, limit: int = 50, offset: int = 0,
                until: Optional[str] = None) -> list[ClaimSummary]:
    """Claims, most independently supported or denied first, filtered as asked."""
    where, params = ["c.statements > 0"], []
    if status:
        where.append("c.status = ?")
        params.append(status)
    if since:
        where.append("coalesce(c.last_activity, '') >= ?")
        params.append(since)
    if until:
        where.append("c.first_seen <= ?")
        params.append(until)
    named = db.matching_statements(entity, phrase=True) if entity else None
    if named:
        # The entity as speaker, as origin of a relayed statement, or named in the content (a phrase).
        where.append(claims_of("SELECT id FROM statements WHERE lower(speaker_entity) = lower(?)"
                               " UNION SELECT id FROM statements WHERE lower(origin_speaker) = lower(?)"
                               f" UNION {named[0]}"))
        params += [entity, entity, *named[1]]
    matching = db.matching_statements(search) if search else None
    if matching:
        where.append(claims_of(matching[0]))
        params += matching[1]
    sql = (f"SELECT {', '.join('c.' + c.strip() for c in SUMMARY_COLUMNS.split(','))} FROM claims c"
           f" WHERE {' AND '.join(where)}"
           " ORDER BY c.support_independent + c.deny_independent DESC, c.statements DESC, c.id LIMIT ? OFFSET ?")
    return [ClaimSummary(*row) for row in db.execute(sql, (*params, int(limit), int(offset)))]


@dataclass
class ClaimStatement:
    statement_id: int
    side: str
    speaker: Optional[str]
    affiliation: Optional[str]
    anonymous: bool
    content: str
    content_span: tuple[int, int]
    date: Optional[str]
    article_id: int
    article_source: str
    outlet: Optional[str]
    origin_speaker: Optional[str]
    relayed_by: Optional[str]
    copy_of: Optional[int]


@dataclass
class ArticleOnClaim:
    """An article that touches a claim, with its own stance (agree / disagree / discuss) and its basis."""

    article_id: int
    title: Optional[str]
    article_source: str
    outlet: Optional[str]
    published: Optional[str]
    stance: str
    basis: str


@dataclass
class ClaimPage:
    summary: ClaimSummary
    statements: list[ClaimStatement]
    merged: dict[str, list[str]] = field(default_factory=dict)  # per side, sources counted as one
    evidence: list[dict] = field(default_factory=list)
    articles: list[ArticleOnClaim] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)  # a reviewer's, the latest (current) first
    merged_from: list[Merge] = field(default_factory=list)  # claims merged into this one
    merged_into: Optional[int] = None  # the claim this one was merged into


# Statements an entity said, as speaker or as origin of a relayed statement (parameters: the name twice).
SAID_BY = "(lower(s.speaker_entity) = lower(?) OR lower(s.origin_speaker) = lower(?))"

STATEMENT_SQL = """
    SELECT s.id, coalesce(cs.side, ''), s.speaker_entity, s.affiliation, s.anonymous, s.content, s.content_start,
           s.content_end, coalesce(s.date, a.published), a.id, a.source, a.outlet, s.origin_speaker, s.relayed_by,
           a.copy_of, cs.claim_id, s.position
    FROM statements s JOIN articles a ON a.id = s.article_id
    LEFT JOIN claim_statements cs ON cs.statement_id = s.id
    WHERE {condition}
    ORDER BY coalesce(s.date, a.published) NULLS FIRST, a.id, s.position LIMIT ? OFFSET ?"""


def statement_rows(db: Database, condition: str, params: tuple, limit: int = ALL_ROWS, offset: int = 0
                   ) -> list[tuple[ClaimStatement, Optional[int], int]]:
    """Statements matching ``condition``, oldest first, each with its claim id and its position in its article."""
    return [(ClaimStatement(r[0], r[1], r[2], r[3], bool(r[4]), r[5], (r[6], r[7]), *r[8:15]), r[15], r[16])
            for r in db.execute(STATEMENT_SQL.format(condition=condition), (*params, limit, offset))]


def extractions(db: Database, article_ids: set[int]) -> Iterator[tuple[int, dict]]:
    """The stored extraction record of each article."""
    if article_ids:
        marks = ",".join("?" * len(article_ids))
        for article_id, extraction in db.execute(f"SELECT id, extraction FROM articles WHERE id IN ({marks})",
                                                   tuple(article_ids)):
            yield article_id, json.loads(extraction)


def claim_page(db: Database, claim_id: int) -> Optional[ClaimPage]:
    row = db.execute(f"SELECT {SUMMARY_COLUMNS} FROM claims WHERE id = ?", (claim_id,)).fetchone()
    if row is None:
        return None
    rows = statement_rows(db, "cs.claim_id = ?", (claim_id,))
    found = members(db, claim_id)
    merged = {side: count_side(m for m, _ in found if m.side == side).merged for side in SIDES}
    positions = {(s.article_id, position) for s, _, position in rows}
    evidence = [{"article_id": article_id, **item}
                for article_id, record in extractions(db, {s.article_id for s, _, _ in rows})
                for item in record.get("evidence", []) if (article_id, item.get("statement")) in positions]
    articles = [ArticleOnClaim(*r) for r in db.execute(
        "SELECT a.id, a.title, a.source, a.outlet, a.published, ac.stance, ac.basis FROM article_claims ac"
        " JOIN articles a ON a.id = ac.article_id WHERE ac.claim_id = ? ORDER BY a.published NULLS FIRST, a.id", (claim_id,))]
    return ClaimPage(ClaimSummary(*row), [s for s, _, _ in rows], merged, evidence, articles,
                     reviews_sql.verdicts_of(db, claim_id), reviews_sql.merges_into(db, claim_id),
                     reviews_sql.merged_into(db, claim_id))


@dataclass
class EntityPage:
    name: str
    said: list[ClaimStatement]  # statements whose speaker or origin is the entity
    said_about: list[ClaimStatement]  # statements by others whose content names it
    claims: dict[int, int]  # statement id -> the claim it is on
    places: list[str]
    dates: list[str]


def entity_page(db: Database, name: str, limit: int = 500) -> EntityPage:
    """What an entity said (as speaker or origin of a relayed statement) and what others said about it."""
    said = statement_rows(db, SAID_BY,
                          (name, name), limit)
    statement_ids = {s.statement_id for s, _, _ in said}
    named = db.matching_statements(name, phrase=True)
    about = statement_rows(db, f"s.id IN ({named[0]})", named[1], limit) if named else []
    about = [row for row in about if row[0].statement_id not in statement_ids]
    claims = {s.statement_id: claim_id for s, claim_id, _ in said + about if claim_id is not None}
    places, dates = set(), set()
    for _, record in extractions(db, {s.article_id for s, _, _ in said}):
        places.update(p["name"] for p in record.get("places", []))
        dates.update(d["value"] for d in record.get("dates", []) if d.get("value"))
    return EntityPage(name, [s for s, _, _ in said], [s for s, _, _ in about], claims, sorted(places), sorted(dates))
