"""The ledger's tables, defined once for SQLite and PostgreSQL (SQLAlchemy Core).

Databases reach this schema through the Alembic migrations in ``migrations/``; a test checks that
a migrated database of each engine matches these definitions.  Full-text search is the one part
each engine does its own way, so it lives in the migrations (FTS5 table / tsvector columns)."""

from __future__ import annotations

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, PrimaryKeyConstraint,
                        Table, Text, UniqueConstraint, func, text)

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", Text, nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("title", Text), Column("url", Text), Column("outlet", Text), Column("published", Text),
    Column("dateline", Text),
    Column("text", Text, nullable=False),
    Column("extraction", Text, nullable=False),  # the article's Extraction as JSON, the record of truth
    Column("ingested_at", Text, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Column("minhash", LargeBinary),
    Column("copy_of", Integer, ForeignKey("articles.id")),
    Column("copy_similarity", Float),
    # Set once the article's statements are assigned to claims and its own stances judged.
    Column("claims_assigned", Integer, nullable=False, server_default=text("0")),
    Column("stances_assigned", Integer, nullable=False, server_default=text("0")),
    # Set once the article is placed in a story; its lead's sentence embedding, kept for the story index.
    Column("stories_assigned", Integer, nullable=False, server_default=text("0")),
    Column("lead_vector", LargeBinary),
    Index("articles_copy_of", "copy_of"),
)

statements = Table(
    "statements", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("speaker", Text), Column("speaker_entity", Text),
    Column("anonymous", Integer, nullable=False),
    Column("affiliation", Text), Column("role", Text),
    Column("cue", Text, nullable=False), Column("cue_lemma", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("stance", Text, nullable=False),
    Column("hedges", Text, nullable=False),
    Column("date", Text), Column("medium", Text),
    Column("via", Integer),
    Column("direct", Integer, nullable=False),
    Column("content_start", Integer), Column("content_end", Integer),
    Column("origin_speaker", Text),
    Column("origin_anonymous", Integer, nullable=False, server_default=text("0")),
    Column("relayed_by", Text),
    Column("kind", Text, nullable=False, server_default="speech"),
    Column("nested", Integer),
    UniqueConstraint("article_id", "position"),
    Index("statements_speaker", "speaker_entity"),
    Index("statements_stance", "stance"),
    Index("statements_origin", "origin_speaker"),
    # Speaker lookups ignore case: lower() on both sides, indexed on both engines.
    Index("statements_speaker_lower", func.lower(text("speaker_entity"))),
    Index("statements_origin_lower", func.lower(text("origin_speaker"))),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # ids come from the claim index
    Column("canonical", Text, nullable=False),
    Column("status", Text, nullable=False),
    *(Column(count, Integer, nullable=False, server_default=text("0"))
      for count in ("support_raw", "support_independent", "deny_raw", "deny_independent", "hedge_raw",
                    "decline_raw", "statements", "agree_articles", "disagree_articles", "discuss_articles")),
    Column("first_seen", Text), Column("last_activity", Text),
    Column("merged_into", Integer),  # set when a merge moved this claim's statements to another
    Column("story_id", Integer),  # the story of the article that opened the claim (ledger.stories)
    Index("claims_status", "status"),
    Index("claims_story", "story_id"),
    Index("claims_rank", "support_independent", "deny_independent"),
)

claim_statements = Table(
    "claim_statements", metadata,
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    Column("side", Text, nullable=False),
    Column("similarity", Float, nullable=False),
    Column("facet", Integer),  # the claim it first joined (a merge moves claim_id, never the facet)
    Column("story_id", Integer),  # the story of the statement's article (ledger.stories), or a reviewer's
    Index("claim_statements_claim", "claim_id"),
    # Covers a story's claims and sides, so a recount groups them from the index alone.
    Index("claim_statements_story_claim", "story_id", "claim_id", "side"),
    # Covers "the claim of this statement", so PostgreSQL answers it from the index alone.
    Index("claim_statements_claim_of", "statement_id", "claim_id"),
)

article_claims = Table(
    "article_claims", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    Column("stance", Text, nullable=False),
    Column("basis", Text, nullable=False),
    PrimaryKeyConstraint("article_id", "claim_id"),
    Index("article_claims_claim", "claim_id"),
)

STORY_COUNTS = ("support_raw", "support_independent", "deny_raw", "deny_independent", "hedge_raw", "decline_raw",
                "statements", "claims", "articles", "agree_articles", "disagree_articles", "discuss_articles")

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # ids come from the story index
    Column("title", Text, nullable=False),  # the central claim's text
    Column("central_claim", Integer),
    # The central claim's text as last counted: a story whose statements did not change is recounted only
    # when what they count toward did (a hot claim's stories are many).
    Column("proposition", Text),
    Column("status", Text, nullable=False),
    *(Column(count, Integer, nullable=False, server_default=text("0")) for count in STORY_COUNTS),
    Column("first_seen", Text), Column("last_activity", Text),
    Column("merged_into", Integer),  # set when a reviewer merged this story into another
    Index("stories_rank", "support_independent", "deny_independent"),
    Index("stories_activity", "last_activity"),
)

article_stories = Table(
    "article_stories", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("stance", Text, nullable=False),  # the article's own stance toward the story's proposition
    Column("basis", Text, nullable=False),
    Column("similarity", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "story_id"),
    Index("article_stories_story", "story_id"),
)

story_edits = Table(
    "story_edits", metadata,
    Column("id", Integer, primary_key=True),
    Column("action", Text, nullable=False),  # merge, split, move
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),  # the story edited
    Column("to_story_id", Integer, ForeignKey("stories.id"), nullable=False),  # where its claims went
    Column("claims", Text, nullable=False),  # the claim ids moved, as JSON
    *(Column(name, Text, nullable=False) for name in ("reason", "edited_by")),
    Column("edited_at", Text, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Index("story_edits_story", "story_id"),
)

verdicts = Table(
    "verdicts", metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    *(Column(name, Text, nullable=False) for name in ("rating", "reviewer", "reviewed_on", "note")),
    Column("recorded_at", Text, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Index("verdicts_claim", "claim_id"),
)

claim_merges = Table(
    "claim_merges", metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    Column("into_claim_id", Integer, ForeignKey("claims.id"), nullable=False),
    *(Column(name, Text, nullable=False) for name in ("reason", "merged_by")),
    Column("statements", Integer, nullable=False),
    Column("merged_at", Text, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Index("claim_merges_into", "into_claim_id"),
)

watch_sources = Table(
    "watch_sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("target", Text, nullable=False, unique=True),  # a feed or page URL, a folder or a file
    Column("interval_s", Integer, nullable=False),
    Column("added_at", Text, nullable=False),
    # What the last successful poll saw: HTTP validators, or each file's modification time and size.
    Column("etag", Text), Column("last_modified", Text), Column("files", Text),
    Column("last_polled_at", Text), Column("last_success_at", Text),
    Column("last_error", Text), Column("last_error_at", Text),
    Column("failures", Integer, nullable=False, server_default=text("0")),  # in a row, for the backoff
    Column("next_poll_at", Text, nullable=False),
    Column("articles_added", Integer, nullable=False, server_default=text("0")),
)

alert_rules = Table(
    "alert_rules", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("claim_id", Integer, ForeignKey("claims.id")),  # rules on one claim; NULL: on every claim
    Column("threshold", Integer),  # independent supporters, for the support rule
    Column("value", Text),  # the entity, phrase or evidence kind watched
    Column("created_at", Text, nullable=False),
    Column("removed_at", Text),  # removed rules stay, so their alerts keep saying what fired them
)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),  # stable: webhook receivers deduplicate by it
    Column("rule_id", Integer, ForeignKey("alert_rules.id"), nullable=False),
    Column("event", Text, nullable=False),  # what happened, as a key: a rule fires once per event
    Column("message", Text, nullable=False),
    Column("claim_id", Integer, ForeignKey("claims.id")),
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE")),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("fired_at", Text, nullable=False),
    UniqueConstraint("rule_id", "event"),
)

webhook_cursors = Table(
    "webhook_cursors", metadata,
    Column("url", Text, primary_key=True),
    Column("delivered_through", Integer, nullable=False),  # the last alert id the receiver acknowledged
    Column("last_error", Text),
)

# Child table, column, parent table: the references ``claimledger check`` verifies.
REFERENCES = tuple((table.name, fk.parent.name, fk.column.table.name)
                   for table in metadata.sorted_tables for fk in table.foreign_keys)
