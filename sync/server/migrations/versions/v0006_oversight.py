"""Oversight: plans, decisions, each visit's contacts and sightings, flags with their history,
reporters, escalations; an organisation's own settings and when its checks last ran; a concern's
reporter and when it was received.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TIME = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _org(*, primary_key: bool = False) -> sa.Column[str]:
    fk = sa.ForeignKey("organisation.org_id")
    return sa.Column("org_id", sa.String(64), fk, primary_key=primary_key, nullable=False)


def upgrade() -> None:
    op.add_column("organisation", sa.Column("settings", _JSON, nullable=True))
    op.add_column("organisation", sa.Column("swept_at", _TIME, nullable=True))
    op.add_column("concern", sa.Column("reporter_id", sa.Uuid(), nullable=True))
    op.add_column("concern", sa.Column("received_at", _TIME, nullable=True))
    op.create_index("ix_concern_reporter_id", "concern", ["reporter_id"])
    op.create_table(
        "child_plan",
        _org(primary_key=True),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.child_id"), primary_key=True),
        sa.Column("service_context", sa.String(40), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("context_started_on", sa.Date(), nullable=False),
        sa.Column("households", _JSON, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
    )
    op.create_table(
        "decision",
        sa.Column("decision_id", sa.Uuid(), primary_key=True),
        _org(),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.child_id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(4000), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", _TIME, nullable=False),
    )
    op.create_index("ix_decision_org_child", "decision", ["org_id", "child_id"])
    op.create_table(
        "contact",
        sa.Column("org_id", sa.String(64), primary_key=True),
        sa.Column("visit_id", sa.Uuid(), primary_key=True),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.child_id"), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("face_to_face", sa.Boolean(), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.Column("seen_alone", sa.Boolean(), nullable=False),
        sa.Column("prevented_alone", sa.Boolean(), nullable=False),
        sa.Column("reason_not_seen", sa.String(40), nullable=False),
        sa.Column("concern_now", sa.String(40), nullable=False),
    )
    op.create_index("ix_contact_org_child", "contact", ["org_id", "child_id"])
    op.create_table(
        "sighting",
        sa.Column("org_id", sa.String(64), primary_key=True),
        sa.Column("visit_id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), primary_key=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("child_ids", _JSON, nullable=False),
    )
    op.create_index("ix_sighting_org_person", "sighting", ["org_id", "person_id"])
    op.create_table(
        "flag",
        _org(primary_key=True),
        sa.Column("flag_id", sa.Uuid(), primary_key=True),
        sa.Column("child_id", sa.Uuid(), sa.ForeignKey("child.child_id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("condition_active", sa.Boolean(), nullable=False),
        sa.Column("since", _TIME, nullable=False),
        sa.Column("raised_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("data", _JSON, nullable=False),
    )
    op.create_index("ix_flag_org_child", "flag", ["org_id", "child_id"])
    op.create_index("ix_flag_org_status", "flag", ["org_id", "status"])
    op.create_table(
        "flag_event",
        sa.Column("event_id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("by_practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("note", sa.String(4000), nullable=False),
    )
    op.create_index("ix_flag_event_org_flag", "flag_event", ["org_id", "flag_id"])
    op.create_table(
        "reporter",
        _org(primary_key=True),
        sa.Column("reporter_id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_reporter_person_id", "reporter", ["person_id"])
    op.create_table(
        "escalation",
        _org(primary_key=True),
        sa.Column("escalation_id", sa.Uuid(), primary_key=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("flag_id", sa.Uuid(), nullable=True),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
    )
    op.create_index("ix_escalation_org_visit", "escalation", ["org_id", "visit_id"])


def downgrade() -> None:
    for table in ("escalation", "reporter", "flag_event", "flag", "sighting", "contact"):
        op.drop_table(table)
    op.drop_table("decision")
    op.drop_table("child_plan")
    op.drop_index("ix_concern_reporter_id", table_name="concern")
    op.drop_column("concern", "received_at")
    op.drop_column("concern", "reporter_id")
    op.drop_column("organisation", "swept_at")
    op.drop_column("organisation", "settings")
