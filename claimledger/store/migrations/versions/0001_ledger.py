"""The ledger: articles, statements, claims, the article's own stances, and full-text search.

A frozen copy of the schema as first released (later migrations change it step by step; schema.py
holds the current definition).  SQLite ledgers made before Alembic (``PRAGMA user_version`` 6)
are stamped with this revision by ``database.migrate``.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE statements_fts USING fts5(content, speaker_entity, content='statements',"
    " content_rowid='id')",
    "CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN"
    " INSERT INTO statements_fts (rowid, content, speaker_entity) VALUES (new.id, new.content, new.speaker_entity);"
    " END",
    "CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN"
    " INSERT INTO statements_fts (statements_fts, rowid, content, speaker_entity)"
    " VALUES ('delete', old.id, old.content, old.speaker_entity); END",
)
# The 'simple' configuration lowercases without stemming, as FTS5's default tokenizer does. Content
# words weigh A and speaker words B, so a phrase can be matched in the content alone (ts_filter).
POSTGRES_SEARCH = (
    "ALTER TABLE statements ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('simple', content), 'A')"
    " || setweight(to_tsvector('simple', coalesce(speaker_entity, '')), 'B')) STORED",
    "CREATE INDEX statements_search ON statements USING gin (search_vector)",
)


def counted(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=False, server_default=sa.text("0"))


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_hash", sa.Text, nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text) for name in ("title", "url", "outlet", "published", "dateline")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("extraction", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.Text, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("copy_of", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("copy_similarity", sa.Float),
        counted("claims_assigned"), counted("stances_assigned"))
    op.create_index("articles_copy_of", "articles", ["copy_of"])
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Text) for name in ("speaker", "speaker_entity")),
        sa.Column("anonymous", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Text) for name in ("affiliation", "role")),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("cue", "cue_lemma", "content", "stance", "hedges")),
        *(sa.Column(name, sa.Text) for name in ("date", "medium")),
        sa.Column("via", sa.Integer),
        sa.Column("direct", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Integer) for name in ("content_start", "content_end")),
        sa.Column("origin_speaker", sa.Text),
        counted("origin_anonymous"),
        sa.Column("relayed_by", sa.Text),
        sa.UniqueConstraint("article_id", "position"))
    for name, column in (("statements_speaker", "speaker_entity"), ("statements_stance", "stance"),
                         ("statements_origin", "origin_speaker")):
        op.create_index(name, "statements", [column])
    op.create_index("statements_speaker_lower", "statements", [sa.text("lower(speaker_entity)")])
    op.create_index("statements_origin_lower", "statements", [sa.text("lower(origin_speaker)")])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("canonical", "status")),
        *(counted(name) for name in ("support_raw", "support_independent", "deny_raw", "deny_independent",
                                     "hedge_raw", "decline_raw", "statements")),
        *(sa.Column(name, sa.Text) for name in ("first_seen", "last_activity")))
    op.create_index("claims_status", "claims", ["status"])
    op.create_index("claims_rank", "claims", ["support_independent", "deny_independent"])
    op.create_table(
        "claim_statements",
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("similarity", sa.Float, nullable=False))
    op.create_index("claim_statements_claim", "claim_statements", ["claim_id"])
    op.create_index("claim_statements_claim_of", "claim_statements", ["statement_id", "claim_id"])
    op.create_table(
        "article_claims",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("stance", "basis")),
        sa.PrimaryKeyConstraint("article_id", "claim_id"))
    op.create_index("article_claims_claim", "article_claims", ["claim_id"])
    for statement in SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    for table in ("article_claims", "claim_statements", "claims"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE statements_fts")
    for table in ("statements", "articles"):
        op.drop_table(table)
