"""Wrong enrolment codes tried, in the database (enrol_failure), so every server process counts
the same attempts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enrol_failure",
        sa.Column(
            "failure_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_enrol_failure_client_at", "enrol_failure", ["client_key", "at"])


def downgrade() -> None:
    op.drop_index("ix_enrol_failure_client_at", table_name="enrol_failure")
    op.drop_table("enrol_failure")
