"""The migrations and the table classes agree; the audit log is append-only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sync.server.db import Database, migrate
from sync.server.tables import AuditEventRow, metadata, table_of
from tests.sync.helpers import FIXED_NOW


def test_migrated_schema_matches_the_table_classes(backend: str) -> None:
    db = Database(backend)
    try:
        migrate(db)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        db.dispose()


def test_audit_log_refuses_update_and_delete(backend: str) -> None:
    db = Database(backend)
    try:
        migrate(db)
        t = table_of(AuditEventRow)
        with db.write() as s:
            s.execute(sa.insert(t).values(at=FIXED_NOW, action="test.event"))
        for statement in (sa.update(t).values(action="changed"), sa.delete(t)):
            with pytest.raises(sa.exc.DBAPIError), db.write() as s:
                s.execute(statement)
        with db.read() as s:
            assert s.execute(sa.select(t.c.action)).scalars().all() == ["test.event"]
    finally:
        db.dispose()


def test_migrate_twice_is_harmless(backend: str) -> None:
    db = Database(backend)
    try:
        migrate(db)
        migrate(db)
    finally:
        db.dispose()
