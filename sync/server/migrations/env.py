"""Alembic environment: migrations run on a connection handed over by sync.server.db."""

from __future__ import annotations

from alembic import context

from sync.server.tables import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Run migrations through sync.server.db.migrate (seen admin migrate).")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
