"""Browsing the ledger: articles, statements, entities and search, the queries behind the
HTTP API and the web pages.  Functions take an open ``Database`` and return dataclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from .claims_sql import SAID_BY, ClaimStatement, ClaimSummary, list_claims, statement_rows
from .database import Database


@dataclass
class ArticleSummary:
    id: int
    title: Optional[str]
    source: str
    url: Optional[str]
    outlet: Optional[str]
    published: Optional[str]
    statements: int
    copy_of: Optional[int]


@dataclass
class ArticleClaim:
    claim_id: int
    canonical: str
    status: str
    stance: str  # the article's own stance toward the claim
    basis: str


@dataclass
class ArticlePage:
    summary: ArticleSummary
    text: str
    dateline: Optional[str]
    extraction: dict
    statements: list[ClaimStatement]
    claims: list[ArticleClaim]
    copies: list[tuple[int, str, float]] = field(default_factory=list)


@dataclass
class EntitySummary:
    name: str
    statements: int
    articles: int


ARTICLE_COLUMNS = ("a.id, a.title, a.source, a.url, a.outlet, a.published,"
                   " (SELECT count(*) FROM statements s WHERE s.article_id = a.id), a.copy_of")


def list_articles(db: Database, search: Optional[str] = None, limit: int = 50, offset: int = 0
                  ) -> list[ArticleSummary]:
    """Articles, newest first; ``search`` matches words of their statements (full-text)."""
    where, params = "", []
    matching = db.matching_statements(search) if search else None
    if matching:
        where = f"WHERE a.id IN (SELECT s.article_id FROM statements s WHERE s.id IN ({matching[0]}))"
        params += matching[1]
    sql = (f"SELECT {ARTICLE_COLUMNS} FROM articles a {where}"
           " ORDER BY coalesce(a.published, '') DESC, a.id DESC LIMIT ? OFFSET ?")
    return [ArticleSummary(*row) for row in db.execute(sql, (*params, int(limit), int(offset)))]


def article_page(db: Database, article_id: int) -> Optional[ArticlePage]:
    row = db.execute(f"SELECT {ARTICLE_COLUMNS}, a.text, a.dateline, a.extraction FROM articles a WHERE a.id = ?",
                       (article_id,)).fetchone()
    if row is None:
        return None
    statements = [s for s, _, _ in statement_rows(db, "s.article_id = ?", (article_id,))]
    statements.sort(key=lambda s: s.content_span)
    claims = [ArticleClaim(*r) for r in db.execute(
        "SELECT c.id, c.canonical, c.status, ac.stance, ac.basis FROM article_claims ac JOIN claims c"
        " ON c.id = ac.claim_id WHERE ac.article_id = ? ORDER BY c.id", (article_id,))]
    return ArticlePage(ArticleSummary(*row[:8]), row[8], row[9], json.loads(row[10]), statements, claims,
                       copies_of(db, article_id))


def copies_of(db: Database, article_id: int) -> list[tuple[int, str, float]]:
    """(id, source, similarity) of the stored near-duplicate copies of an article."""
    return [tuple(row) for row in db.execute(
        "SELECT id, source, copy_similarity FROM articles WHERE copy_of = ? ORDER BY id", (article_id,))]


def list_statements(db: Database, speaker: Optional[str] = None, side: Optional[str] = None,
                    claim_id: Optional[int] = None, limit: int = 50, offset: int = 0) -> list[ClaimStatement]:
    """Statements, oldest first, filtered by speaker (or origin speaker), side on their claim, or claim."""
    conditions, params = ["1 = 1"], []
    if speaker:
        conditions.append(SAID_BY)
        params += [speaker, speaker]
    if side:
        conditions.append("cs.side = ?")
        params.append(side)
    if claim_id is not None:
        conditions.append("cs.claim_id = ?")
        params.append(int(claim_id))
    return [s for s, _, _ in statement_rows(db, " AND ".join(conditions), tuple(params), int(limit), int(offset))]


def list_entities(db: Database, search: Optional[str] = None, limit: int = 50, offset: int = 0
                  ) -> list[EntitySummary]:
    """Speakers, most statements first; ``search`` keeps names containing the text."""
    where, params = "WHERE speaker_entity IS NOT NULL", []
    if search:
        where += " AND lower(speaker_entity) LIKE lower(?) ESCAPE '\\'"
        params.append("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    sql = (f"SELECT min(speaker_entity), count(*), count(DISTINCT article_id) FROM statements {where}"
           " GROUP BY lower(speaker_entity) ORDER BY count(*) DESC, min(speaker_entity) LIMIT ? OFFSET ?")
    return [EntitySummary(*row) for row in db.execute(sql, (*params, int(limit), int(offset)))]


@dataclass
class SearchResults:
    query: str
    claims: list[ClaimSummary]
    statements: list[ClaimStatement]


def search(db: Database, query: str, limit: int = 20) -> SearchResults:
    """Claims and statements whose words match every term of ``query`` (no search syntax gets through)."""
    matching = db.matching_statements(query)
    if not matching:
        return SearchResults(query, [], [])
    statements = [s for s, _, _ in statement_rows(db, f"s.id IN ({matching[0]})", matching[1], limit)]
    return SearchResults(query, list_claims(db, search=query, limit=limit), statements)
