"""Alembic's entry point: migrations run on the connection ``database.migrate`` hands over."""

from alembic import context

from claimledger.store.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite alters tables by copying them, which batch mode does for us.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
