"""Record ids are unique per organisation, not across the whole central record.

Before, UNIQUE(record_id, revision), visit_revision's key (visit_id, revision) and concern's key
(concern_id) spanned organisations: a record id already used by another organisation was a
conflict (and revealed that the id existed there). Now each key starts with org_id, so the same
id in another organisation behaves exactly as a new id would:
  record_revision  UNIQUE(org_id, record_id, revision)
  quarantine       UNIQUE(org_id, record_id, revision, content_hash), and an index on
                   (device_id, received_at) for the per-device quota of held items
  visit_revision   PRIMARY KEY (org_id, visit_id, revision)
  concern          PRIMARY KEY (org_id, concern_id); concern_child gains org_id, and its link to
                   concern becomes (org_id, concern_id)
Downgrading fails (and changes nothing) once two organisations hold the same id.

On SQLite each table is copied and moved (batch mode): concern_child first lets go of concern,
so concern can be rebuilt with the foreign keys on; then it is linked again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's constraints from 0001 have no names: these name them, so they can be dropped.
_NAMES = {
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_name)s_key",
}
_CONCERN_FK = "fk_concern_child_concern"


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _new_primary_key(table: str, columns: list[str]) -> None:
    """Replace `table`'s primary key. On SQLite the copy's columns arrive still marked as the
    old key, and SQLAlchemy warns that it sets the new key instead, which is the point."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*primary_key=True, not matching locally")
        with op.batch_alter_table(table, naming_convention=_NAMES) as b:
            if _postgresql():
                b.drop_constraint(f"{table}_pkey", type_="primary")
            b.create_primary_key(f"{table}_pkey", columns)


def _keys(*, per_org: bool) -> None:
    lead = ["org_id"] if per_org else []
    with op.batch_alter_table("record_revision", naming_convention=_NAMES) as b:
        b.drop_constraint("uq_record_revision", type_="unique")
        b.create_unique_constraint("uq_record_revision", [*lead, "record_id", "revision"])
    with op.batch_alter_table("quarantine", naming_convention=_NAMES) as b:
        b.drop_constraint("uq_quarantine_item", type_="unique")
        b.create_unique_constraint(
            "uq_quarantine_item", [*lead, "record_id", "revision", "content_hash"]
        )
    _new_primary_key("visit_revision", [*lead, "visit_id", "revision"])


def upgrade() -> None:
    _keys(per_org=True)
    with op.batch_alter_table("quarantine") as b:
        b.create_index("ix_quarantine_device_received", ["device_id", "received_at"])
    op.add_column("concern_child", sa.Column("org_id", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE concern_child SET org_id = (SELECT c.org_id FROM concern c "
        "WHERE c.concern_id = concern_child.concern_id)"
    )
    with op.batch_alter_table("concern_child", naming_convention=_NAMES) as b:
        b.alter_column("org_id", existing_type=sa.String(length=64), nullable=False)
        b.drop_constraint("concern_child_concern_id_fkey", type_="foreignkey")
    _new_primary_key("concern", ["org_id", "concern_id"])
    with op.batch_alter_table("concern_child", naming_convention=_NAMES) as b:
        b.create_foreign_key(
            _CONCERN_FK, "concern", ["org_id", "concern_id"], ["org_id", "concern_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("concern_child", naming_convention=_NAMES) as b:
        b.drop_constraint(_CONCERN_FK, type_="foreignkey")
    _new_primary_key("concern", ["concern_id"])
    with op.batch_alter_table("concern_child", naming_convention=_NAMES) as b:
        b.drop_column("org_id")
        b.create_foreign_key(
            "concern_child_concern_id_fkey", "concern", ["concern_id"], ["concern_id"]
        )
    with op.batch_alter_table("quarantine") as b:
        b.drop_index("ix_quarantine_device_received")
    _keys(per_org=False)
