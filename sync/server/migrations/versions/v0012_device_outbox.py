"""What each device last said it holds unsent: how many records, and when the oldest was saved
(the console's dashboard shows devices that have gone quiet with what they hold).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


# Plain ALTER TABLE ADD COLUMN (nullable, no default), as in 0005: no batch copy of the table.
def upgrade() -> None:
    op.add_column("device", sa.Column("outbox_held", sa.Integer(), nullable=True))
    op.add_column("device", sa.Column("outbox_oldest_at", _TIME, nullable=True))
    op.add_column("device", sa.Column("outbox_reported_at", _TIME, nullable=True))


def downgrade() -> None:
    for column in ("outbox_reported_at", "outbox_oldest_at", "outbox_held"):
        op.drop_column("device", column)
