"""The ledger: articles and their extractions, idempotent by content hash, in SQLite or PostgreSQL.

Each article is written in one transaction with its statements and claim assignments, holding the
ledger's write lock, so a failed or interrupted ingest leaves the ledger as it was and concurrent
ingests (other processes, other machines on PostgreSQL) neither duplicate nor miss each other's work.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence, Union

from ..errors import LedgerError, one_line
from ..ledger.claims import ClaimIndex
from ..ingest.dateline import dateline_outlet
from ..ledger.independence import origins, speaker_key
from ..ledger.near_duplicates import CopyIndex, from_blob, reprinted_from, signature, to_blob
from ..ledger.recluster import ClaimText, MergeProposal, proposals
from ..ledger.reviews import Merge, Verdict
from ..schema import Article, Extraction, Statement
from ..watch.rules import Alert, AlertRule
from ..watch.sources import Poll, WatchSource
from ..ledger.article_stance import stance_model
from ..ledger.stories import StoryIndex
from . import alerts_sql, browse_sql, claims_sql, integrity, reviews_sql, stories_sql, watch_sql
from .database import ALL_ROWS, Database, migrate

DEFAULT_DB = "claimledger.db"


def content_hash(text: str) -> str:
    """Hash of the article text with whitespace runs collapsed, so re-saved copies match."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass
class LedgerRow:
    article_id: int
    published: Optional[str]
    outlet: Optional[str]
    source: str
    speaker_entity: Optional[str]
    affiliation: Optional[str]
    stance: str
    content: str
    date: Optional[str]
    via: Optional[int]


class Ledger:
    """A claimledger database: a SQLite file, or a ``postgresql://`` URL."""

    def __init__(self, target: Union[str, Path] = DEFAULT_DB, check_same_thread: bool = True) -> None:
        """``check_same_thread=False`` lets a server share it between threads; the caller then
        serialises access (one writer at a time)."""
        migrate(target)
        self.db = Database(target, check_same_thread=check_same_thread)
        if not self.db.postgres:
            # WAL with synchronous=NORMAL: a crash never corrupts or half-writes an article, and a commit per
            # article costs no fsync (only a power cut may drop the last commits, which a re-run re-adds).
            self.db.use_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
        self._copies: Optional[CopyIndex] = None
        self._claims: Optional[tuple[ClaimIndex, int]] = None
        self._stories: Optional[tuple[StoryIndex, int]] = None
        self._seen_article = 0  # the newest article the in-memory indexes include
        self._seen_merge = -1  # the newest claim merge the claim index's map includes
        # Copy links the last add made: the article as a copy, or the stored reprint of it it turned into one.
        self.linked_copies = 0

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_article(self, text: str) -> bool:
        return self.article_id(text) is not None

    def article_id(self, text: str) -> Optional[int]:
        """The id of the stored article with this text (whitespace-normalised), if any."""
        return self.db.scalar("SELECT id FROM articles WHERE content_hash = ?", (content_hash(text),))

    def add(self, article: Article, extraction: Extraction) -> Optional[int]:
        """Store an article and its extraction; None when the same text is already stored."""
        minhash = signature(article.text)
        try:
            with self.db.writing():
                self.catch_up()
                original = self._copies.original_of(minhash)
                copy_of, similarity = original if original else (None, None)
                reprint = copy_of if copy_of is not None and self.reprints(copy_of, article.outlet) else None
                reprint_similarity = similarity
                if reprint is not None:
                    copy_of = similarity = None
                row = self.db.execute(
                    "INSERT INTO articles (content_hash, source, title, url, outlet, published, dateline, text,"
                    " extraction, minhash, copy_of, copy_similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                    (content_hash(article.text), article.source, article.title or extraction.title,
                     article.url or extraction.url, article.outlet or extraction.outlet,
                     extraction.published or article.published, extraction.dateline, article.text,
                     extraction.to_json(), to_blob(minhash), copy_of, similarity)).fetchone()
                if row is None:
                    return None
                article_id = row[0]
                if reprint is not None:  # the wire original came after its reprint: the reprints copy it
                    self.db.execute("UPDATE articles SET copy_of = ? WHERE copy_of = ?", (article_id, reprint))
                    self.db.execute("UPDATE articles SET copy_of = ?, copy_similarity = ? WHERE id = ?",
                                    (article_id, reprint_similarity, reprint))
                self.insert_statements(article_id, extraction.statements)
                self.assign_claims(article_id)
                if reprint is not None:  # the reprints' sources now count as the original's
                    self.recount_claims(self.claims_of_article(reprint))
        except BaseException as exc:
            self._claims = self._copies = self._stories = None  # they may hold what was rolled back: rebuild
            if isinstance(exc, self.db.Error):  # raised past the Database wrapper (a cursor's fetch)
                raise LedgerError(self.db.name, problem=one_line(exc)) from None
            raise
        self._copies.add(article_id, minhash, copy_of)
        if reprint is not None:
            self._copies.reroot(reprint, article_id)
        self.linked_copies = int(copy_of is not None or reprint is not None)
        self._seen_article = article_id
        return article_id

    def reprints(self, copy_id: int, outlet: Optional[str]) -> bool:
        """Whether the stored copy a new article matched is a reprint of it (``reprinted_from``)."""
        copy_outlet, text = self.db.execute("SELECT outlet, text FROM articles WHERE id = ?", (copy_id,)).fetchone()
        credit = dateline_outlet(text)
        return bool(outlet and credit) and reprinted_from(speaker_key(outlet), speaker_key(copy_outlet or ""),
                                                          speaker_key(credit))

    def recount_claims(self, claim_ids: set[int]) -> None:
        """Within the caller's transaction: recount claims and the stories holding statements on them."""
        for claim_id in sorted(claim_ids):
            claims_sql.refresh_claim(self.db, claim_id)
        for story_id in sorted(stories_sql.stories_of_claims(self.db, claim_ids)):
            stories_sql.refresh_story(self.db, story_id)

    def insert_statements(self, article_id: int, statements: list[Statement]) -> None:
        self.db.executemany(
            "INSERT INTO statements (article_id, position, speaker, speaker_entity, anonymous, affiliation,"
            " role, cue, cue_lemma, content, stance, hedges, date, medium, via, direct, content_start, content_end,"
            " origin_speaker, origin_anonymous, relayed_by, kind, nested)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article_id, i, s.speaker, s.speaker_entity, int(s.anonymous), s.affiliation, s.role, s.cue,
              s.cue_lemma, s.content, s.stance, json.dumps(s.hedges), s.date, s.medium, s.via, int(s.direct),
              s.content_span[0], s.content_span[1], origin, int(anonymous), relay, s.kind, s.nested)
             for i, (s, (origin, anonymous, relay)) in enumerate(zip(statements, origins(statements)))])

    def catch_up(self) -> None:
        """Within a write transaction: the near-duplicate and claim indexes, built on first use and
        brought up to date with what other writers stored since."""
        latest = self.db.scalar("SELECT max(id) FROM articles") or 0
        unplaced_checked = self._stories is not None
        if self._copies is None or self._claims is None or self._stories is None:
            for article_id, text in self.db.execute("SELECT id, text FROM articles WHERE minhash IS NULL").fetchall():
                # Signatures a shingle-hash change cleared are recomputed once.
                self.db.execute("UPDATE articles SET minhash = ? WHERE id = ?", (to_blob(signature(text)), article_id))
            self._copies = CopyIndex(self.db.execute("SELECT id, minhash, copy_of FROM articles ORDER BY id"))
            self._claims = claims_sql.load_index(self.db)
            self._stories = stories_sql.load_index(self.db)
            self._seen_merge = -1  # a new index starts without the merge map
        elif latest != self._seen_article:
            for article_id, blob, copy_of in self.db.execute(
                    "SELECT id, minhash, copy_of FROM articles WHERE id > ? ORDER BY id", (self._seen_article,)):
                self._copies.add(article_id, from_blob(blob), copy_of)
            self._claims = claims_sql.load_index(self.db, self._claims[0], after_article=self._seen_article)
            self._stories = stories_sql.load_index(self.db, self._stories[0], after_article=self._seen_article)
        merges = self.db.scalar("SELECT max(id) FROM claim_merges") or 0
        if merges != self._seen_merge:  # merges by any writer: re-read the map only when one happened
            self._claims[0].merged_into = claims_sql.merged_claims(self.db)
            self._seen_merge = merges
        self._seen_article = latest
        if unplaced_checked:
            return
        for (article_id,) in self.db.execute("SELECT id FROM articles WHERE stories_assigned = 0 ORDER BY id"
                                             ).fetchall():  # stored before stories existed: placed once, in order
            self.place_in_story(article_id, lambda: self.claims_of_article(article_id))

    def claims_of_article(self, article_id: int) -> set[int]:
        return {claim_id for (claim_id,) in self.db.execute(
            "SELECT cs.claim_id FROM claim_statements cs JOIN statements s ON s.id = cs.statement_id"
            " WHERE s.article_id = ?", (article_id,))}

    def place_in_story(self, article_id: int, assign: Callable[[], set[int]], watched: bool = False
                       ) -> tuple[dict, Optional[int]]:
        """Within the caller's transaction: place the article in its story, let ``assign()`` assign its
        statements to claims (returning the claims touched), put them in the story and recount it.
        Returns the story's state from before (when ``watched``: alert rules are active) and the story
        the article opened, if any."""
        index, next_story = self._stories
        story_id, similarity, self_next = stories_sql.place_article(self.db, index, next_story, article_id,
                                                                    self._claims[0])
        self._stories = (index, self_next)
        touched = assign()
        if story_id is None:
            return {}, None
        # Stories holding statements on the touched claims: a claim's new wording may change their titles
        # or which way their statements count.
        others = stories_sql.stories_of_claims(self.db, touched) - {story_id}
        before = alerts_sql.story_states(self.db, [story_id, *others]) if watched else {}
        stories_sql.adopt_statements(self.db, index, article_id, touched, story_id)
        model = stance_model()
        stories_sql.judge_article(self.db, article_id, story_id, similarity, model)
        merges = stories_sql.merge_kindred(self.db, index, story_id, model)
        merged = {edit.story_id for edit in merges}
        live = index.live(story_id)
        changed = {live, *merged, *(edit.to_story_id for edit in merges)}  # their statements or stances moved
        for story in [live, *sorted((others | changed) - {live})]:
            stories_sql.refresh_story(self.db, story, members_changed=story in changed)
        return before, story_id if story_id >= next_story and story_id not in merged else None

    def assign_claims(self, article_id: int) -> None:
        """Within the caller's transaction: the article to its story and its statements to claims, the
        touched claims and stories recounted."""
        rules = alerts_sql.active_rules(self.db)
        before: dict = {}

        def assign() -> set[int]:
            index, next_id = self._claims
            touched, next_id = claims_sql.assign_article(self.db, index, next_id, article_id)
            self._claims = (index, next_id)
            touched |= claims_sql.assign_article_stances(self.db, index, article_id)
            before.update(alerts_sql.claim_states(self.db, touched) if rules else {})
            for claim_id in touched:
                claims_sql.refresh_claim(self.db, claim_id)
            return touched

        story_before, opened = self.place_in_story(article_id, assign, watched=bool(rules))
        if rules:  # in this transaction: the article and the alerts it causes are stored together
            alerts_sql.fire(self.db, article_id, rules, before, story_before, opened)

    def record_verdict(self, verdict: Verdict) -> Verdict:
        """Store a reviewer's verdict on a live claim (see ``ledger.reviews.new_verdict``)."""
        with self.db.writing():
            return reviews_sql.record_verdict(self.db, verdict)

    def merge_claims(self, claim_ids: Sequence[int], into: int, reason: str, merged_by: str) -> list[Merge]:
        """Merge claims into ``into``, recount all of them, and record why and by whom."""
        try:
            with self.db.writing():
                merges = reviews_sql.merge_claims(self.db, claim_ids, into, reason, merged_by)
                for claim_id in {into, *claim_ids}:
                    claims_sql.refresh_claim(self.db, claim_id)
                for story_id in sorted(stories_sql.stories_of_claims(self.db, {into, *claim_ids})):
                    stories_sql.refresh_story(self.db, story_id)
        finally:
            self._claims = None  # the claim index is rebuilt from the store, merged statements included
        return merges

    def edit_stories(self, edit: Callable) -> list:
        """Run a reviewer's story edit (``edit(index)`` returning its StoryEdits) and recount the stories
        it touched."""
        try:
            with self.db.writing():
                self.catch_up()
                edits = edit(self._stories[0])
                for story_id in sorted({e.story_id for e in edits} | {e.to_story_id for e in edits}):
                    stories_sql.refresh_story(self.db, story_id)
        finally:
            self._stories = None  # rebuilt from the store, edits included
        return edits

    def merge_stories(self, story_ids: Sequence[int], into: int, reason: str, edited_by: str) -> list:
        """Merge stories into ``into``, recount them, and record why and by whom."""
        return self.edit_stories(lambda index: stories_sql.merge_stories(self.db, index, list(story_ids), into,
                                                                          reason, edited_by))

    def split_story(self, story_id: int, claim_ids: Sequence[int], reason: str, edited_by: str):
        """Move a story's statements on some claims into a new story; returns the edit (its
        ``to_story_id`` is the new story)."""
        def split(_index: StoryIndex):
            new_id = max(self._stories[1], (self.db.scalar("SELECT max(id) FROM stories") or 0) + 1)
            return [stories_sql.split_story(self.db, story_id, list(claim_ids), new_id, reason, edited_by)]
        return self.edit_stories(split)[0]

    def move_claim(self, claim_id: int, from_story: int, to_story: int, reason: str, edited_by: str):
        """Move a story's statements on one claim into another story."""
        return self.edit_stories(lambda _index: [stories_sql.move_claim(self.db, claim_id, from_story, to_story,
                                                                         reason, edited_by)])[0]

    def stories(self, **filters) -> list[stories_sql.StorySummary]:
        """Stories, most independently supported or denied first (filters: see stories_sql.list_stories)."""
        return stories_sql.list_stories(self.db, **filters)

    def story(self, story_id: int) -> Optional[stories_sql.StoryPage]:
        return stories_sql.story_page(self.db, story_id)

    def story_pages(self) -> Iterator[stories_sql.StoryPage]:
        """Every live story's page, in id order (for exports)."""
        for (story_id,) in self.db.execute("SELECT id FROM stories WHERE claims > 0 AND merged_into IS NULL"
                                           " ORDER BY id").fetchall():
            yield stories_sql.story_page(self.db, story_id)

    def recluster(self, threshold: float, embed: Callable, apply: bool = False,
                  merged_by: str = "re-clustering") -> list[MergeProposal]:
        """Claims alike in meaning (``ledger.recluster``), merged when ``apply``, each with its reason."""
        rows = self.db.execute("SELECT id, canonical, statements FROM claims WHERE merged_into IS NULL"
                               " AND statements > 0 ORDER BY id").fetchall()
        found = proposals([ClaimText(*row) for row in rows], embed, threshold)
        for proposal in found if apply else []:
            self.merge_claims(proposal.claims, proposal.into, proposal.reason(), merged_by)
        return found

    def watch(self, target: str, interval_s: int) -> WatchSource:
        """Add a source to the watchlist (see ``watch.sources.checked_target``)."""
        with self.db.writing():
            return watch_sql.add_source(self.db, target, interval_s)

    def unwatch(self, source_id: int) -> WatchSource:
        with self.db.writing():
            return watch_sql.remove_source(self.db, source_id)

    def watched(self, due_by: Optional[str] = None) -> list[WatchSource]:
        """The watchlist (or the sources due by an ISO time), oldest first."""
        return watch_sql.sources(self.db, due_by)

    def watched_source_id(self, target: str) -> Optional[int]:
        return watch_sql.source_id_of(self.db, target)

    def next_poll_due(self) -> Optional[str]:
        return watch_sql.next_due(self.db)

    def record_poll(self, source_id: int, poll: Poll, added: int, next_poll_at: str) -> None:
        with self.db.writing():
            watch_sql.record_success(self.db, source_id, poll, added, next_poll_at)

    def record_poll_failure(self, source_id: int, error: str, next_poll_at: str) -> int:
        """Count a failed poll; returns the failures in a row."""
        with self.db.writing():
            return watch_sql.record_failure(self.db, source_id, error, next_poll_at)

    def add_alert_rule(self, rule: AlertRule) -> AlertRule:
        """Store a rule (see ``watch.rules.new_rule``); it judges the articles stored from now on."""
        with self.db.writing():
            return alerts_sql.add_rule(self.db, rule)

    def remove_alert_rule(self, rule_id: int) -> None:
        with self.db.writing():
            alerts_sql.remove_rule(self.db, rule_id)

    def alert_rules(self) -> list[AlertRule]:
        return alerts_sql.active_rules(self.db)

    def alerts(self, **filters) -> list[Alert]:
        """Fired alerts, newest first (filters: see alerts_sql.alerts)."""
        return alerts_sql.alerts(self.db, **filters)

    def latest_alert_id(self) -> int:
        return alerts_sql.latest_alert_id(self.db)

    def webhook_cursor(self, url: str) -> int:
        """The last alert id delivered to the webhook at ``url``."""
        with self.db.writing():
            return alerts_sql.webhook_cursor(self.db, url)

    def record_delivery(self, url: str, delivered_through: int, error: Optional[str] = None) -> None:
        with self.db.writing():
            alerts_sql.record_delivery(self.db, url, delivered_through, error)

    def claims(self, **filters) -> list[claims_sql.ClaimSummary]:
        """Claims, most independently supported or denied first (filters: see claims_sql.list_claims)."""
        return claims_sql.list_claims(self.db, **filters)

    def claim(self, claim_id: int) -> Optional[claims_sql.ClaimPage]:
        return claims_sql.claim_page(self.db, claim_id)

    def claim_pages(self) -> Iterator[claims_sql.ClaimPage]:
        """Every claim's page, in claim id order (for exports)."""
        for (claim_id,) in self.db.execute("SELECT id FROM claims WHERE statements > 0 ORDER BY id").fetchall():
            yield claims_sql.claim_page(self.db, claim_id)

    def entity(self, name: str) -> claims_sql.EntityPage:
        return claims_sql.entity_page(self.db, name)

    def copy_of(self, article_id: int) -> Optional[int]:
        return self.db.scalar("SELECT copy_of FROM articles WHERE id = ?", (article_id,))

    def copies_of(self, article_id: int) -> list[tuple[int, str, float]]:
        """(id, source, similarity) of the stored copies of an article."""
        return browse_sql.copies_of(self.db, article_id)

    def check(self) -> list[integrity.Problem]:
        """Every integrity problem found (an empty list for a sound ledger)."""
        return integrity.check(self.db)

    def counts(self) -> dict[str, int]:
        return {table: self.db.scalar(f"SELECT count(*) FROM {table}")
                for table in ("articles", "statements", "claims", "stories")}

    def rows(self, limit: Optional[int] = None) -> Iterator[LedgerRow]:
        """Statements across articles, grouped by speaker, oldest first."""
        sql = ("SELECT a.id, a.published, a.outlet, a.source, s.speaker_entity, s.affiliation, s.stance, s.content,"
               " s.date, s.via FROM statements s JOIN articles a ON a.id = s.article_id"
               " ORDER BY lower(s.speaker_entity) NULLS LAST, coalesce(s.date, a.published) NULLS FIRST, a.id,"
               " s.position LIMIT ?")
        with self.db.snapshot():  # streamed: a million statements are never all in memory
            for row in self.db.stream(sql, (int(limit) if limit else ALL_ROWS,)):
                yield LedgerRow(*row)
