"""The review queue's outcomes and the tasks it sends back to workers.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    org = sa.ForeignKey("organisation.org_id")
    op.create_table(
        "review_outcome",
        sa.Column("review_id", sa.Uuid(), primary_key=True),
        sa.Column("org_id", sa.String(64), org, nullable=False),
        sa.Column("item_kind", sa.String(20), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.String(4000), nullable=False),
        sa.Column("by_practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
    )
    op.create_index("ix_review_outcome_item", "review_outcome", ["org_id", "item_kind", "item_id"])
    op.create_table(
        "task",
        sa.Column("org_id", sa.String(64), sa.ForeignKey("organisation.org_id"), primary_key=True),
        sa.Column("task_id", sa.Uuid(), primary_key=True),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("about", sa.String(20), nullable=False),
        sa.Column("about_id", sa.Uuid(), nullable=False),
        sa.Column("what_to_do", sa.String(4000), nullable=False),
        sa.Column("set_by", sa.Uuid(), nullable=False),
        sa.Column("set_at", _TIME, nullable=False),
        sa.Column("done_at", _TIME, nullable=True),
    )
    op.create_index("ix_task_child_id", "task", ["child_id"])


def downgrade() -> None:
    op.drop_table("task")
    op.drop_table("review_outcome")
