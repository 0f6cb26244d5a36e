"""Stories keep the text of their central claim as last counted (``stories.proposition``), so a story
whose statements did not change is recounted only when what they count toward did.  Stories from
before have none and are recounted in full the next time they are touched.  A story's claim members
are indexed with their claim and side, which a recount groups.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("proposition", sa.Text))
    op.create_index("claim_statements_story_claim", "claim_statements", ["story_id", "claim_id", "side"])
    op.drop_index("claim_statements_story", "claim_statements")


def downgrade() -> None:
    op.create_index("claim_statements_story", "claim_statements", ["story_id"])
    op.drop_index("claim_statements_story_claim", "claim_statements")
    op.drop_column("stories", "proposition")
