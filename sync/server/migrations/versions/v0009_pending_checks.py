"""The children whose flags are still to be rechecked after a push (pending_check): the push
queues them in its own transaction and the check runs just after its receipts are sent.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_check",
        sa.Column(
            "org_id",
            sa.String(64),
            sa.ForeignKey("organisation.org_id"),
            primary_key=True,
            nullable=False,
        ),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.child_id"), primary_key=True),
        sa.Column("adults_only", sa.Boolean(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_check")
