"""Stories in the ledger: placing each article in its story, the claims' stories, per-story counts, and
the queries behind ``stories`` and ``story``.  Functions take an open ``Database``; the Ledger calls
the writing ones inside the transaction that stores the article."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from ..errors import InvalidReview
from ..ledger.article_stance import ClaimInArticle, article_stances, quoted_lean
from ..ledger.independence import claim_status, count_side, tallies
from ..ledger.reviews import checked_text
from ..ledger.wording import reads_as_sentence
from ..ledger.claims import MIN_CLAIM_TERMS, ClaimIndex
from ..ledger.stories import (CLAIM_VOTE_WEIGHT, JOIN_THRESHOLD, STORY_WINDOW_DAYS, VOTE_SIMILARITY, StoryIndex,
                              article_terms, central_claim, close_in_time, lead, lead_embedder, story_side)
from ..schema import speaks
from ..text import content_terms
from .claims_sql import (SIDES, SUMMARY_COLUMNS, ArticleOnClaim, ClaimStatement, ClaimSummary, member_rows,
                         statement_rows)
from .database import Database
from .reviews_sql import live_row, merge_sources

BASIS_CENTRAL = "its stance toward the story's central claim"
BASIS_DISPUTED = "body (disputes as many of the story's claims as it confirms)"


def vector_blob(vector: Optional[np.ndarray]) -> Optional[bytes]:
    return vector.astype(np.float16).tobytes() if vector is not None else None


def vector_of(blob: Optional[bytes]) -> Optional[np.ndarray]:
    return np.frombuffer(blob, np.float16).astype(np.float32) if blob else None


def article_story_terms(title: Optional[str], text: str, extraction: str):
    record = json.loads(extraction)
    names = [e["name"] for e in record.get("entities", [])] + [p["name"] for p in record.get("places", [])]
    return article_terms(title, text, names)


def load_index(db: Database, index: Optional[StoryIndex] = None, after_article: int = 0) -> tuple[StoryIndex, int]:
    """The story index rebuilt from the placed articles (or ``index`` extended with those after
    ``after_article``), and the next free story id."""
    index = index or StoryIndex()
    rows = db.execute("SELECT a.title, a.text, a.extraction, a.lead_vector, ast.story_id FROM articles a"
                      " LEFT JOIN article_stories ast ON ast.article_id = a.id"
                      " WHERE a.stories_assigned = 1 AND a.id > ? ORDER BY a.id", (after_article,))
    for title, text, extraction, blob, story_id in rows:
        terms = article_story_terms(title, text, extraction)
        index.observe(terms)
        if story_id is not None:
            index.add(story_id, terms, vector_of(blob))
    index.merged_into = dict(db.execute("SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"))
    index.claim_story = dict(db.execute("SELECT id, story_id FROM claims WHERE story_id IS NOT NULL"))
    return index, (db.scalar("SELECT max(id) FROM stories") or 0) + 1


def claim_votes(index: StoryIndex, claims: ClaimIndex, contents: list[str]) -> tuple[Counter, int]:
    """The stories of the claims these contents restate (``stories.VOTE_SIMILARITY``), counted, and how
    many contents could vote."""
    votes, voters = Counter(), 0
    for content in contents:
        terms = content_terms(content)
        if len(terms) < MIN_CLAIM_TERMS:
            continue
        voters += 1
        found = claims.best_claim(terms)
        story_id = index.claim_story.get(claims.live(found[0])) if found and found[1] >= VOTE_SIMILARITY else None
        if story_id is not None:
            votes[story_id] += 1
    return votes, voters


def place_article(db: Database, index: StoryIndex, next_story_id: int, article_id: int, claims: ClaimIndex
                  ) -> tuple[Optional[int], float, int]:
    """The story an article joins (opening one when none fits and the article states something; None
    when it states nothing and fits none), its similarity, and the next free story id."""
    title, text, extraction = db.execute("SELECT title, text, extraction FROM articles WHERE id = ?",
                                         (article_id,)).fetchone()
    terms = article_story_terms(title, text, extraction)
    embedder = lead_embedder()
    # As stored (float16), so that an index rebuilt from the store places articles as this one does.
    vector = vector_of(vector_blob(embedder([lead(title, text)], remember=False)[0])) if embedder is not None else None
    spoken = [content for content, kind, nested in db.execute(
        "SELECT content, kind, nested FROM statements WHERE article_id = ?", (article_id,)) if speaks(kind, nested)]
    index.observe(terms)
    chosen = index.choose(terms, vector, *claim_votes(index, claims, spoken))
    story_id, similarity = chosen if chosen else (None, 0.0)
    if story_id is None and spoken:
        story_id, similarity = next_story_id, 1.0
        next_story_id += 1
        db.execute("INSERT INTO stories (id, title, status) VALUES (?, '', 'unverified')", (story_id,))
    if story_id is not None:
        index.add(story_id, terms, vector)
    db.execute("UPDATE articles SET stories_assigned = 1, lead_vector = ? WHERE id = ?",
               (vector_blob(vector), article_id))
    return story_id, similarity, next_story_id


def adopt_statements(db: Database, index: StoryIndex, article_id: int, claim_ids, story_id: Optional[int]) -> None:
    """The article's claim members join its story; claims it opened (none has a story yet) record it."""
    if story_id is None:
        return
    db.execute("UPDATE claim_statements SET story_id = ? WHERE statement_id IN"
               " (SELECT id FROM statements WHERE article_id = ?)", (story_id, article_id))
    opened = sorted(c for c in claim_ids if c not in index.claim_story)
    db.executemany("UPDATE claims SET story_id = ? WHERE id = ? AND story_id IS NULL", [(story_id, c) for c in opened])
    index.claim_story.update((c, story_id) for c in opened)


def stories_of_claims(db: Database, claim_ids) -> set[int]:
    """The stories holding statements on these claims."""
    found: set[int] = set()
    for claim_id in claim_ids:
        found.update(s for (s,) in db.execute("SELECT DISTINCT story_id FROM claim_statements WHERE claim_id = ?"
                                              " AND story_id IS NOT NULL", (claim_id,)))
    return found


def story_claims(db: Database, story_id: int) -> list[tuple]:
    """(id, canonical, the story's statements taking a side on it, the story's statements on it, its
    independent sources taking a side anywhere) of the live claims the story's statements are on."""
    # Grouped by claim id from the index first, then joined: a hot story holds thousands of members.
    return db.execute("SELECT c.id, c.canonical, t.sided, t.stated, c.support_independent + c.deny_independent"
                      " FROM (SELECT claim_id, sum(CASE WHEN side IN ('support', 'deny') THEN 1 ELSE 0 END) AS sided,"
                      " count(*) AS stated FROM claim_statements WHERE story_id = ? GROUP BY claim_id) t"
                      " JOIN claims c ON c.id = t.claim_id WHERE c.merged_into IS NULL ORDER BY c.id",
                      (story_id,)).fetchall()


def story_proposition(db: Database, story_id: int) -> tuple[list[tuple], Optional[int], str, str]:
    """A story's claims (``story_claims``), its central claim, that claim's text (the proposition sides
    are taken toward) and its title: the most central claim whose text reads as a sentence
    (``wording.reads_as_sentence``), the proposition when none does."""
    claims = story_claims(db, story_id)
    texts = {c[0]: c[1] for c in claims}
    ranked = [(c[0], c[2], c[3], c[4]) for c in claims]
    central = central_claim(ranked)
    titled = central_claim(ranked, lambda c: reads_as_sentence(texts[c]))
    return claims, central, texts.get(central, ""), texts.get(titled, "")


def judge_article(db: Database, article_id: int, story_id: int, similarity: float, model) -> None:
    """The article's own stance toward its story's proposition: its stance toward the central claim
    when it was judged on it, else read from its body (``article_stance``)."""
    _, central, proposition, _ = story_proposition(db, story_id)
    found = db.execute("SELECT stance, basis FROM article_claims WHERE article_id = ? AND claim_id = ?",
                       (article_id, central)).fetchone() if central is not None else None
    if found is not None:
        stance, basis = found[0], f"{BASIS_CENTRAL} ({found[1]})"
    else:
        sides = [story_side(side, canonical, proposition) for side, canonical in db.execute(
            "SELECT cs.side, c.canonical FROM claim_statements cs JOIN statements s ON s.id = cs.statement_id"
            " JOIN claims c ON c.id = cs.claim_id WHERE s.article_id = ?", (article_id,))]
        opened = not db.scalar("SELECT count(*) FROM article_stories WHERE story_id = ? AND article_id < ?",
                               (story_id, article_id))
        if proposition:
            stance, basis = article_stances(db.scalar("SELECT text FROM articles WHERE id = ?", (article_id,)),
                                            [ClaimInArticle(proposition, sides, opened)], model)[0]
        else:
            stance, basis = quoted_lean(sides), "quotes"
    # A body that disputes as many of the story's claims as it confirms disputes the story (chosen on
    # FNC-1's training stories outside the held-out fifth: README, "Stories").
    body = dict(db.execute("SELECT stance, count(*) FROM article_claims WHERE article_id = ? AND basis LIKE 'body%'"
                           " AND claim_id IN (SELECT claim_id FROM claim_statements WHERE story_id = ?)"
                           " GROUP BY stance", (article_id, story_id)).fetchall())
    if stance != "disagree" and body.get("disagree", 0) >= max(1, body.get("agree", 0)):
        stance, basis = "disagree", BASIS_DISPUTED
    db.execute("INSERT INTO article_stories (article_id, story_id, stance, basis, similarity) VALUES (?, ?, ?, ?, ?)"
               " ON CONFLICT (article_id, story_id) DO UPDATE SET stance = excluded.stance, basis = excluded.basis,"
               " similarity = excluded.similarity", (article_id, story_id, stance, basis, round(similarity, 3)))


STORY_COLUMNS = ("title", "central_claim", "status", "support_raw", "support_independent", "deny_raw",
                 "deny_independent", "hedge_raw", "decline_raw", "statements", "claims", "articles", "agree_articles",
                 "disagree_articles", "discuss_articles", "first_seen", "last_activity")


def story_members(db: Database, story_id: int, proposition: str):
    """(member, date) of every claim member in the story, each side taken toward its proposition."""
    found = []
    for member, date, canonical in member_rows(db, "cs.story_id = ?", (story_id,)):
        side = story_side(member.side, canonical, proposition)
        found.append((member if side == member.side else replace(member, side=side), date))
    return found


def refresh_story(db: Database, story_id: int, members_changed: bool = True) -> None:
    """Recount a story from its claims and articles: central claim, title, sides, status, dates.
    ``members_changed=False``: its statements, articles and their stances are as last counted (only
    claims they are on changed), so nothing is recounted unless the central claim or its text did."""
    claims, central, proposition, title = story_proposition(db, story_id)
    if not members_changed:
        counted = db.execute("SELECT central_claim, proposition, title FROM stories WHERE id = ?", (story_id,)).fetchone()
        if counted is not None and tuple(counted) == (central, proposition, title):
            return
    found = story_members(db, story_id, proposition)
    counts = tallies((m for m, _ in found), SIDES)
    stances = dict(db.execute("SELECT stance, count(*) FROM article_stories WHERE story_id = ? GROUP BY stance",
                              (story_id,)).fetchall())
    placed = db.execute("SELECT a.id, a.published FROM article_stories ast JOIN articles a ON a.id = ast.article_id"
                        " WHERE ast.story_id = ?", (story_id,)).fetchall()
    dates = sorted([d for _, d in found if d] + [d for _, d in placed if d])
    figures = {"title": title, "central_claim": central,
               "status": claim_status(counts["support"].independent, counts["deny"].raw),
               **{f"{side}_{kind}": getattr(counts[side], kind) for side in ("support", "deny")
                  for kind in ("raw", "independent")},
               "hedge_raw": counts["hedge"].raw, "decline_raw": counts["decline"].raw, "statements": len(found),
               "claims": len(claims), "articles": len({m.article_id for m, _ in found} | {a for a, _ in placed}),
               **{f"{stance}_articles": stances.get(stance, 0) for stance in ("agree", "disagree", "discuss")},
               "first_seen": dates[0] if dates else None, "last_activity": dates[-1] if dates else None}
    db.execute(f"UPDATE stories SET {', '.join(c + ' = ?' for c in STORY_COLUMNS)}, proposition = ? WHERE id = ?",
               (*(figures[c] for c in STORY_COLUMNS), proposition, story_id))


@dataclass
class StorySummary:
    id: int
    title: str  # the most central claim that reads as a sentence (the central claim's text when none does)
    central_claim: Optional[int]
    status: str
    support_raw: int
    support_independent: int
    deny_raw: int
    deny_independent: int
    hedge_raw: int
    decline_raw: int
    statements: int
    claims: int
    articles: int
    agree_articles: int  # articles whose own stance toward the story's proposition is agree
    disagree_articles: int
    discuss_articles: int
    first_seen: Optional[str]
    last_activity: Optional[str]


SUMMARY_SQL = "id, " + ", ".join(STORY_COLUMNS)


@dataclass
class StoryStatement(ClaimStatement):
    claim_id: int  # the story's claim the statement is on; its side is taken toward the story


@dataclass
class StoryEdit:
    action: str  # merge, split, move
    story_id: int
    to_story_id: int
    claims: list[int]
    reason: str
    edited_by: str
    edited_at: Optional[str] = None


@dataclass
class StoryPage:
    summary: StorySummary
    claims: list[ClaimSummary]  # the claims its statements are on (their counts are the claims' own, everywhere)
    statements: list[StoryStatement]  # oldest first: the story's timeline
    articles: list[ArticleOnClaim]  # the articles placed in the story, with their stance toward it
    merged: dict[str, list[str]] = field(default_factory=dict)  # per side, sources counted as one and why
    edits: list[StoryEdit] = field(default_factory=list)  # a reviewer's merges, splits and moves
    merged_into: Optional[int] = None


def list_stories(db: Database, search: Optional[str] = None, entity: Optional[str] = None,
                 since: Optional[str] = None, limit: int = 50, offset: int = 0) -> list[StorySummary]:
    """Stories, most independently supported or denied first, then the most reported."""
    where, params = ["s.claims > 0", "s.merged_into IS NULL"], []
    if since:
        where.append("coalesce(s.last_activity, '') >= ?")
        params.append(since)
    for found in (db.matching_statements(search) if search else None,
                  db.matching_statements(entity, phrase=True) if entity else None):
        if found:
            where.append(f"s.id IN (SELECT cs.story_id FROM claim_statements cs WHERE cs.statement_id IN ({found[0]}))")
            params += found[1]
    sql = (f"SELECT {', '.join('s.' + c for c in SUMMARY_SQL.split(', '))} FROM stories s WHERE {' AND '.join(where)}"
           " ORDER BY s.support_independent + s.deny_independent DESC, s.articles DESC, s.id LIMIT ? OFFSET ?")
    return [StorySummary(*row) for row in db.execute(sql, (*params, int(limit), int(offset)))]


def story_page(db: Database, story_id: int) -> Optional[StoryPage]:
    row = db.execute(f"SELECT {SUMMARY_SQL} FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    summary = StorySummary(*row)
    claims = [ClaimSummary(*r) for r in db.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM claims WHERE id IN (SELECT claim_id FROM claim_statements WHERE story_id = ?)"
        " ORDER BY support_independent + deny_independent DESC, statements DESC, id", (story_id,))]
    canonical = {c.id: c.canonical for c in claims}
    proposition = canonical.get(summary.central_claim, summary.title)
    statements = [StoryStatement(**{**s.__dict__, "side": story_side(s.side, canonical.get(claim_id, ""),
                                                                     proposition)}, claim_id=claim_id)
                  for s, claim_id, _ in statement_rows(db, "cs.story_id = ?", (story_id,))]
    found = story_members(db, story_id, proposition)
    merged = {side: count_side(m for m, _ in found if m.side == side).merged for side in SIDES}
    articles = [ArticleOnClaim(*r) for r in db.execute(
        "SELECT a.id, a.title, a.source, a.outlet, a.published, ast.stance, ast.basis FROM article_stories ast"
        " JOIN articles a ON a.id = ast.article_id WHERE ast.story_id = ? ORDER BY a.published NULLS FIRST, a.id",
        (story_id,))]
    edits = [StoryEdit(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], str(r[6])) for r in db.execute(
        "SELECT action, story_id, to_story_id, claims, reason, edited_by, edited_at FROM story_edits"
        " WHERE story_id = ? OR to_story_id = ? ORDER BY id", (story_id, story_id))]
    merged_into = db.scalar("SELECT merged_into FROM stories WHERE id = ?", (story_id,))
    return StoryPage(summary, claims, statements, articles, merged, edits, merged_into)


def live_story(db: Database, story_id: int, what: str = "story") -> None:
    live_row(db, "stories", story_id, what)


def record_edit(db: Database, edit: StoryEdit) -> StoryEdit:
    edited_at = db.execute("INSERT INTO story_edits (action, story_id, to_story_id, claims, reason, edited_by)"
                           " VALUES (?, ?, ?, ?, ?, ?) RETURNING edited_at",
                           (edit.action, edit.story_id, edit.to_story_id, json.dumps(edit.claims), edit.reason,
                            edit.edited_by)).fetchone()[0]
    return replace(edit, edited_at=str(edited_at))


def move_members(db: Database, story_id: int, to_story: int, claim_ids: Optional[list[int]] = None) -> list[int]:
    """Move a story's claim members (all, or those on ``claim_ids``) to another story; returns the claims."""
    condition, params = "story_id = ?", [story_id]
    if claim_ids is not None:
        condition += f" AND claim_id IN ({','.join('?' * len(claim_ids))})"
        params += claim_ids
    claims = [c for (c,) in db.execute(f"SELECT DISTINCT claim_id FROM claim_statements WHERE {condition}"
                                       " ORDER BY claim_id", tuple(params))]
    db.execute(f"UPDATE claim_statements SET story_id = ? WHERE {condition}", (to_story, *params))
    return claims


def merge_stories(db: Database, index: StoryIndex, story_ids: list[int], into: int, reason: str,
                  edited_by: str) -> list[StoryEdit]:
    """Move the statements and articles of ``story_ids`` into story ``into``; each merged story keeps
    its id, points at ``into`` and leaves one audit row.  The caller recounts the stories."""
    reason, edited_by = checked_text(reason, "reason"), checked_text(edited_by, "edited by")
    sources = merge_sources(db, "stories", story_ids, into)
    edits = []
    for story_id in sources:
        live_story(db, story_id)
        claims = move_members(db, story_id, into)
        db.execute("UPDATE article_stories SET story_id = ? WHERE story_id = ?", (into, story_id))
        db.execute("UPDATE claims SET story_id = ? WHERE story_id = ?", (into, story_id))
        db.execute("UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?", (into, story_id, story_id))
        index.merge(story_id, into)
        edits.append(record_edit(db, StoryEdit("merge", story_id, into, claims, reason, edited_by)))
    return edits


MERGED_BY_LEDGER = "claimledger"


def story_dates(db: Database, story_id: int) -> Optional[tuple[str, str]]:
    """The first and last publication dates of a story's articles; None when none is dated."""
    first, last = db.execute("SELECT min(a.published), max(a.published) FROM article_stories ast"
                             " JOIN articles a ON a.id = ast.article_id WHERE ast.story_id = ?", (story_id,)).fetchone()
    return (str(first), str(last)) if first else None


def story_claim_ids(db: Database, story_id: int) -> list[int]:
    """The claim of each of a story's claim members."""
    return [claim_id for (claim_id,) in db.execute("SELECT claim_id FROM claim_statements WHERE story_id = ?",
                                                   (story_id,))]


def merge_kindred(db: Database, index: StoryIndex, story_id: int, model) -> list[StoryEdit]:
    """Merge into the older of each pair the stories that read as one with this one (``stories``,
    ``STORY_WINDOW_DAYS``): each merge leaves an audit row a reviewer can undo with a split, and the
    moved articles are judged again toward the merged story.  The caller recounts the stories."""
    span = story_dates(db, story_id)
    edits: list[StoryEdit] = []
    members: dict[int, Counter] = {}  # claim ids of each story's members, read once until a merge moves some

    def claims_of(story: int) -> Counter:
        if story not in members:
            members[story] = Counter(story_claim_ids(db, story))
        return members[story]

    for other, similarity in sorted(index.kinship(story_id).items()) if span else ():
        if similarity + CLAIM_VOTE_WEIGHT < JOIN_THRESHOLD:  # out of reach: no query for its dates
            continue
        other_span = story_dates(db, other)
        if other_span is None or not close_in_time(span, other_span):
            continue
        older, younger = sorted((index.live(story_id), index.live(other)))
        held, restating = claims_of(older), claims_of(younger)
        # The vote: the share of the younger's members whose claim the older holds too.
        score = similarity + CLAIM_VOTE_WEIGHT * (sum(n for c, n in restating.items() if c in held)
                                                  / restating.total() if restating else 0.0)
        if older == younger or score < JOIN_THRESHOLD:
            continue
        moved = db.execute("SELECT article_id, similarity FROM article_stories WHERE story_id = ?", (younger,)).fetchall()
        edits += merge_stories(db, index, [younger], older, f"read as one story (similarity {score:.2f}) within"
                               f" {STORY_WINDOW_DAYS} days", MERGED_BY_LEDGER)
        members.clear()
        for article_id, article_similarity in moved:
            judge_article(db, article_id, older, article_similarity, model)
    return edits


def claims_in_story(db: Database, story_id: int, claim_ids: list[int]) -> list[int]:
    wanted = list(dict.fromkeys(claim_ids))
    if not wanted:
        raise InvalidReview("claims", problem="name at least one claim")
    for claim_id in wanted:
        if not db.scalar("SELECT count(*) FROM claim_statements WHERE story_id = ? AND claim_id = ?",
                         (story_id, claim_id)):
            raise InvalidReview(str(claim_id), problem=f"claim {claim_id} has no statement in story {story_id}")
    return wanted


def split_story(db: Database, story_id: int, claim_ids: list[int], new_story_id: int, reason: str,
                edited_by: str) -> StoryEdit:
    """Move the story's statements on some claims into a new story (``new_story_id``)."""
    reason, edited_by = checked_text(reason, "reason"), checked_text(edited_by, "edited by")
    live_story(db, story_id)
    claims = claims_in_story(db, story_id, claim_ids)
    db.execute("INSERT INTO stories (id, title, status) VALUES (?, '', 'unverified')", (new_story_id,))
    move_members(db, story_id, new_story_id, claims)
    return record_edit(db, StoryEdit("split", story_id, new_story_id, claims, reason, edited_by))


def move_claim(db: Database, claim_id: int, from_story: int, to_story: int, reason: str,
               edited_by: str) -> StoryEdit:
    """Move the statements on one claim from one story into another."""
    reason, edited_by = checked_text(reason, "reason"), checked_text(edited_by, "edited by")
    live_story(db, to_story, "target story")
    if from_story == to_story:
        raise InvalidReview(str(claim_id), problem=f"claim {claim_id} is already in story {to_story}")
    claims = claims_in_story(db, from_story, [claim_id])
    move_members(db, from_story, to_story, claims)
    return record_edit(db, StoryEdit("move", from_story, to_story, claims, reason, edited_by))
