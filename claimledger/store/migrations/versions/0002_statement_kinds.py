"""Statement kinds and nesting: ``kind`` (speech, belief, intent, perception, report) and ``nested``
(the position of the statement whose content holds this one).  Statements stored before it read as
speech, not nested, which is how the ledger treated them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.add_column(sa.Column("kind", sa.Text, nullable=False, server_default="speech"))
        batch.add_column(sa.Column("nested", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("nested")
        batch.drop_column("kind")
