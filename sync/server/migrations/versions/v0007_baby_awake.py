"""A baby seen asleep: whether each child was seen awake, and the day a baby seen asleep is to be
seen awake by (the follow-up flag baby_not_seen_awake).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact", sa.Column("awake", sa.Boolean(), nullable=True))
    op.add_column("contact", sa.Column("see_awake_by", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("contact", "see_awake_by")
    op.drop_column("contact", "awake")
