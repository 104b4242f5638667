"""Record bodies: stored once, as written, cheaply compressed.

- record_revision.body may be NULL: a visit's first revision keeps its canonical JSON only in
  visit_revision(visit_id, 1).body. record_revision keeps the receipt, the hash and (for
  amendments, concerns and acknowledgements) the record itself. Bodies already stored twice stay.
- On PostgreSQL, the record bodies (record_revision, visit_revision, quarantine) become `json`
  rather than `jsonb`: the text as written (an accepted body is its canonical JSON, so it stays
  byte for byte the text its content_hash is over), not parsed to binary on every write. They are
  read whole and never queried inside. With PostgreSQL 14 or later built with lz4, they are also
  compressed with lz4 rather than pglz once large enough to be TOASTed: several times cheaper.
  SQLite stores JSON as text already: nothing else changes there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BODIES = ("record_revision", "visit_revision", "quarantine")


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _lz4_available() -> bool:
    methods = (
        op.get_bind()
        .execute(
            sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        )
        .scalar()
    )
    return "lz4" in (methods or [])


def upgrade() -> None:
    if _postgresql():
        lz4 = _lz4_available()
        for table in _BODIES:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN body TYPE json USING body::json')
            if lz4:
                op.execute(f'ALTER TABLE "{table}" ALTER COLUMN body SET COMPRESSION lz4')
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    op.execute(
        "UPDATE record_revision SET body = (SELECT v.body FROM visit_revision v "
        "WHERE v.visit_id = record_revision.record_id AND v.revision = 1) WHERE body IS NULL"
    )
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.alter_column("body", existing_type=sa.JSON(), nullable=False)
    if _postgresql():
        lz4 = _lz4_available()
        for table in _BODIES:
            if lz4:
                op.execute(f'ALTER TABLE "{table}" ALTER COLUMN body SET COMPRESSION pglz')
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN body TYPE jsonb USING body::jsonb')
