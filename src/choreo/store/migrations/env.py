"""Alembic environment: runs on the connection `choreo.store.migrate` hands over (already in a transaction)."""

from alembic import context

from choreo.store.migrate import include_object
from choreo.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    include_object=include_object(connection.dialect.name),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
