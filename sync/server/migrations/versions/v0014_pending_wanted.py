"""A queued check counts the times it was asked for (pending_check.wanted), so a drain that read
a child's facts without the organisation's lock can tell, once it holds the lock, whether
anything asked for that child again meanwhile (services.oversight.pending).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pending_check") as batch:
        batch.add_column(sa.Column("wanted", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("pending_check") as batch:
        batch.drop_column("wanted")
