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


# Plain ALTER TABLE on both databases (SQLite >= 3.35 drops columns in place): a batch
# "copy and move" of organisation would trip the foreign keys that point at it.
def upgrade() -> None:
    op.add_column("organisation", sa.Column("recovery_public_key", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("organisation", "recovery_public_key")
