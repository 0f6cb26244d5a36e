"""Watching: the sources ``claimledger watch`` polls and what each poll last saw (``watch_sources``),
alert rules and the alerts they fired (``alerts``: one per rule and event, written in the same
transaction as the article that caused it), and how far each webhook has been delivered.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target", sa.Text, nullable=False, unique=True),
        sa.Column("interval_s", sa.Integer, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text) for name in ("etag", "last_modified", "files", "last_polled_at",
                                                 "last_success_at", "last_error", "last_error_at")),
        sa.Column("failures", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_poll_at", sa.Text, nullable=False),
        sa.Column("articles_added", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id")),
        sa.Column("threshold", sa.Integer),
        sa.Column("value", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("removed_at", sa.Text))
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id"), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id")),
        sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id", ondelete="CASCADE")),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fired_at", sa.Text, nullable=False),
        sa.UniqueConstraint("rule_id", "event"))
    op.create_table(
        "webhook_cursors",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("delivered_through", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text))


def downgrade() -> None:
    for table in ("webhook_cursors", "alerts", "alert_rules", "watch_sources"):
        op.drop_table(table)
