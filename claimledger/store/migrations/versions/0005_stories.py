"""Stories: the articles about one event and what they state, gathered as articles arrive (``stories``;
``claim_statements.story_id`` puts each claim member in its article's story, ``claims.story_id`` names
the story a claim was opened in), each article's place and own stance (``article_stories``),
and a reviewer's merges, splits and moves with their audit trail (``story_edits``).  Articles keep
their lead's sentence embedding (``lead_vector``) for the story index, and ``stories_assigned``
marks those placed: a ledger stored before this revision places its articles on its next write.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STORY_COUNTS = ("support_raw", "support_independent", "deny_raw", "deny_independent", "hedge_raw", "decline_raw",
                "statements", "claims", "articles", "agree_articles", "disagree_articles", "discuss_articles")


def upgrade() -> None:
    # Plain ADD COLUMN on both engines (a batch table copy trips over the columns' shared defaults).
    op.add_column("articles", sa.Column("stories_assigned", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.add_column("articles", sa.Column("lead_vector", sa.LargeBinary))
    op.add_column("claims", sa.Column("story_id", sa.Integer))
    op.create_index("claims_story", "claims", ["story_id"])
    op.add_column("claim_statements", sa.Column("story_id", sa.Integer))
    op.create_index("claim_statements_story", "claim_statements", ["story_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("central_claim", sa.Integer),
        sa.Column("status", sa.Text, nullable=False),
        *(sa.Column(count, sa.Integer, nullable=False, server_default=sa.text("0")) for count in STORY_COUNTS),
        sa.Column("first_seen", sa.Text), sa.Column("last_activity", sa.Text),
        sa.Column("merged_into", sa.Integer))
    op.create_index("stories_rank", "stories", ["support_independent", "deny_independent"])
    op.create_index("stories_activity", "stories", ["last_activity"])
    op.create_table(
        "article_stories",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("stance", sa.Text, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "story_id"))
    op.create_index("article_stories_story", "article_stories", ["story_id"])
    op.create_table(
        "story_edits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("to_story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("claims", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("reason", "edited_by")),
        sa.Column("edited_at", sa.Text, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")))
    op.create_index("story_edits_story", "story_edits", ["story_id"])


def downgrade() -> None:
    for table in ("story_edits", "article_stories", "stories"):
        op.drop_table(table)
    op.drop_index("claims_story", "claims")
    op.drop_index("claim_statements_story", "claim_statements")
    for table, column in (("claim_statements", "story_id"), ("claims", "story_id"), ("articles", "lead_vector"),
                          ("articles", "stories_assigned")):
        op.drop_column(table, column)
