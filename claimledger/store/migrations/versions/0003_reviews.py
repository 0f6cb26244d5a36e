"""Reviews: a reviewer's verdicts on claims (``verdicts``), and claims merged by hand or by
re-clustering, with the audit trail of each merge (``claim_merges``; ``claims.merged_into`` points
a merged claim at the one that took its statements, so its id keeps leading somewhere;
``claim_statements.facet`` keeps the claim a statement first joined, so a merged wording goes on
matching new statements; empty for statements stored before, whose facet is their claim).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("merged_into", sa.Integer))
    with op.batch_alter_table("claim_statements") as batch:
        batch.add_column(sa.Column("facet", sa.Integer))
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
        batch.drop_column("merged_into")
