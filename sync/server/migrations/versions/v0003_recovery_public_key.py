"""The organisation's recovery public key, handed to each device at enrolment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as table:
        table.add_column(sa.Column("recovery_public_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as table:
        table.drop_column("recovery_public_key")
