"""The console's staff accounts and sessions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("account_id", sa.Uuid(), primary_key=True),
        sa.Column("org_id", sa.String(64), sa.ForeignKey("organisation.org_id"), nullable=False),
        sa.Column(
            "practitioner_id",
            sa.Uuid(),
            sa.ForeignKey("practitioner.practitioner_id"),
            nullable=False,
        ),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("totp_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.UniqueConstraint("org_id", "username", name="uq_staff_account_username"),
    )
    op.create_index("ix_staff_account_org_id", "staff_account", ["org_id"])
    op.create_index("ix_staff_account_practitioner_id", "staff_account", ["practitioner_id"])
    op.create_table(
        "staff_session",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", sa.Uuid(), sa.ForeignKey("staff_account.account_id"), nullable=False
        ),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("last_seen_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("ended_at", _TIME, nullable=True),
    )
    op.create_index("ix_staff_session_account_id", "staff_session", ["account_id"])


def downgrade() -> None:
    op.drop_table("staff_session")
    op.drop_table("staff_account")
