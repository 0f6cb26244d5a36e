"""Reviews and article stances: a reviewer's verdicts on claims (``verdicts``), and claims merged by hand or by
re-clustering, with the audit trail of each merge (``claim_merges``; ``claims.merged_into`` points
a merged claim at the one that took its statements, so its id keeps leading somewhere;
``claim_statements.facet`` keeps the claim a statement first joined, so a merged wording goes on
matching new statements; empty for statements stored before, whose facet is their claim).  Articles'
own stances take FNC-1's labels (agree / disagree / discuss), counted per claim.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


ARTICLE_COUNTS = ("agree_articles", "disagree_articles", "discuss_articles")


def upgrade() -> None:
    # Articles' own stances take FNC-1's labels.
    op.execute("UPDATE article_claims SET stance = CASE stance WHEN 'for' THEN 'agree' WHEN 'against' THEN 'disagree'"
               " WHEN 'observing' THEN 'discuss' ELSE stance END")
    # Plain ADD COLUMN on both engines (a batch table copy trips over the columns' shared defaults).
    op.add_column("claims", sa.Column("merged_into", sa.Integer))
    for name in ARTICLE_COUNTS:
        op.add_column("claims", sa.Column(name, sa.Integer, nullable=False, server_default=sa.text("0")))
    op.add_column("claim_statements", sa.Column("facet", sa.Integer))
    for name in ARTICLE_COUNTS:
        op.execute(f"UPDATE claims SET {name} = (SELECT count(*) FROM article_claims ac WHERE ac.claim_id = claims.id"
                   f" AND ac.stance = '{name.split('_')[0]}')")
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("rating", "reviewer", "reviewed_on", "note")),
        sa.Column("recorded_at", sa.Text, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")))
    op.create_index("verdicts_claim", "verdicts", ["claim_id"])
    op.create_table(
        "claim_merges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("into_claim_id", sa.Integer, sa.ForeignKey("claims.id"), nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("reason", "merged_by")),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("merged_at", sa.Text, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")))
    op.create_index("claim_merges_into", "claim_merges", ["into_claim_id"])


def downgrade() -> None:
    op.drop_table("claim_merges")
    op.drop_table("verdicts")
    with op.batch_alter_table("claim_statements") as batch:
        batch.drop_column("facet")
    with op.batch_alter_table("claims") as batch:
        for name in ARTICLE_COUNTS:
            batch.drop_column(name)
        batch.drop_column("merged_into")
    op.execute("UPDATE article_claims SET stance = CASE stance WHEN 'agree' THEN 'for' WHEN 'disagree' THEN 'against'"
               " WHEN 'discuss' THEN 'observing' ELSE stance END")
