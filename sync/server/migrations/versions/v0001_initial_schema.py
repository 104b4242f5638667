"""Initial schema of the central record, and the append-only guard on the audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-03-02

The tables that reference people, children and codes, and the audit log's guard, are in
sync/server/migrations/v0001_parts.py (outside versions/, where alembic takes every file for a
revision); upgrade() runs them in the same order as ever.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sync.server.migrations import v0001_parts as parts

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("child_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_record_id"), ["record_id"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("cursor_floor", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "change",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("org_id", "seq"),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_practitioner_seq", ["org_id", "practitioner_id", "seq"], unique=False
        )
        batch_op.create_index("ix_change_team_seq", ["org_id", "team_id", "seq"], unique=False)

    op.create_table(
        "concern",
        sa.Column("concern_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("source_record_id", sa.Uuid(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("concern_id"),
    )
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_org_id"), ["org_id"], unique=False)

    op.create_table(
        "household",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("household_id"),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_org_id"), ["org_id"], unique=False)

    op.create_table(
        "org_seq",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "person",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_org_id"), ["org_id"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("receipt_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column(
            "problems", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("receipt_id"),
        sa.UniqueConstraint("record_id", "revision", "content_hash", name="uq_quarantine_item"),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_org_id"), ["org_id"], unique=False)

    op.create_table(
        "record_revision",
        sa.Column("receipt_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("receipt_id"),
        sa.UniqueConstraint("record_id", "revision", name="uq_record_revision"),
    )
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_revision_org_id"), ["org_id"], unique=False)

    op.create_table(
        "team",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("team_id"),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_org_id"), ["org_id"], unique=False)

    op.create_table(
        "visit_revision",
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by_practitioner_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id", "revision"),
    )
    with op.batch_alter_table("visit_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_revision_org_id"), ["org_id"], unique=False)

    parts.create_linked_tables()
    parts.audit_log_append_only()


def downgrade() -> None:
    parts.drop_audit_guard()
    with op.batch_alter_table("visit_child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_child_child_id"))

    op.drop_table("visit_child")
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_link_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_link_child_id"))

    op.drop_table("person_link")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_device_org_id"))

    op.drop_table("device")
    with op.batch_alter_table("contact_restriction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_restriction_person_id"))
        batch_op.drop_index(batch_op.f("ix_contact_restriction_child_id"))

    op.drop_table("contact_restriction")
    with op.batch_alter_table("concern_child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_child_child_id"))

    op.drop_table("concern_child")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_child_id"))

    op.drop_table("allocation")
    op.drop_table("enrolment_code")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_team_id"))
        batch_op.drop_index(batch_op.f("ix_child_org_id"))
        batch_op.drop_index(batch_op.f("ix_child_allocated_to"))

    op.drop_table("child")
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioner_team_id"))
        batch_op.drop_index(batch_op.f("ix_practitioner_org_id"))

    op.drop_table("practitioner")
    with op.batch_alter_table("visit_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_revision_org_id"))

    op.drop_table("visit_revision")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_org_id"))

    op.drop_table("team")
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_revision_org_id"))

    op.drop_table("record_revision")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_org_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_org_id"))

    op.drop_table("person")
    op.drop_table("org_seq")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_org_id"))

    op.drop_table("household")
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_org_id"))

    op.drop_table("concern")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index("ix_change_team_seq")
        batch_op.drop_index("ix_change_practitioner_seq")

    op.drop_table("change")
    op.drop_table("organisation")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_child_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
