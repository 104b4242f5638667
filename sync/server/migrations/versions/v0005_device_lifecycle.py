"""A device's credential life: renewal, single-use codes bound to one attempt, two kinds of
revocation, and records received after revocation marked for review.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEVICE_COLUMNS = ("pending_credential_hash", "pending_expires_at", "revoke_mode", "retired_at")


# Plain ALTER TABLE (no batch copy), as in 0003; the pending credential is unique by an index.
def upgrade() -> None:
    op.add_column("device", sa.Column("pending_credential_hash", sa.String(64), nullable=True))
    op.add_column("device", sa.Column("pending_expires_at", sa.DateTime(timezone=True)))
    op.add_column("device", sa.Column("revoke_mode", sa.String(10), nullable=True))
    op.add_column("device", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_device_pending_credential_hash", "device", ["pending_credential_hash"], unique=True
    )
    # Devices revoked before this revision were told to wipe at once: "lost".
    op.execute("UPDATE device SET revoke_mode = 'lost' WHERE revoked_at IS NOT NULL")
    op.add_column("enrolment_code", sa.Column("attempt_hash", sa.String(64), nullable=True))
    op.create_table(
        "record_review",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["device.device_id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.org_id"]),
        sa.PrimaryKeyConstraint("review_id"),
        sa.UniqueConstraint("org_id", "record_id", "revision", name="uq_record_review"),
    )
    op.create_index("ix_record_review_org_id", "record_review", ["org_id"])
    op.create_index("ix_record_review_device_id", "record_review", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_record_review_device_id", table_name="record_review")
    op.drop_index("ix_record_review_org_id", table_name="record_review")
    op.drop_table("record_review")
    op.drop_column("enrolment_code", "attempt_hash")
    op.drop_index("ix_device_pending_credential_hash", table_name="device")
    for column in reversed(_DEVICE_COLUMNS):
        op.drop_column("device", column)
