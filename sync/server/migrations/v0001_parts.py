"""Migration 0001's second half: the tables that reference people, children and codes, and the
append-only guard on the audit log. Only sync/server/migrations/versions/v0001_initial_schema.py
calls these, in its upgrade() and downgrade(), in the order they always ran.

This module lives outside versions/ on purpose: alembic loads every .py file there as a revision
and refuses one without a ``revision`` variable.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

__all__ = ["audit_log_append_only", "create_linked_tables", "drop_audit_guard"]


def create_linked_tables() -> None:
    """practitioner to visit_child: each after every table its foreign keys name."""
    op.create_table(
        "practitioner",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("scope_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.team_id"],
        ),
        sa.PrimaryKeyConstraint("practitioner_id"),
    )
    with op.batch_alter_table("practitioner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practitioner_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practitioner_team_id"), ["team_id"], unique=False)

    op.create_table(
        "child",
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("allocated_to", sa.Uuid(), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_visit_id", sa.Uuid(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_visit_id", sa.Uuid(), nullable=True),
        sa.Column("next_visit_due", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocated_to"],
            ["practitioner.practitioner_id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.household_id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.team_id"],
        ),
        sa.PrimaryKeyConstraint("child_id"),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_allocated_to"), ["allocated_to"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_team_id"), ["team_id"], unique=False)

    op.create_table(
        "enrolment_code",
        sa.Column("code_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_device_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.practitioner_id"],
        ),
        sa.PrimaryKeyConstraint("code_id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_table(
        "allocation",
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.child_id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.practitioner_id"],
        ),
        sa.PrimaryKeyConstraint("allocation_id"),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_child_id"), ["child_id"], unique=False)

    op.create_table(
        "concern_child",
        sa.Column("concern_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.child_id"],
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concern.concern_id"],
        ),
        sa.PrimaryKeyConstraint("concern_id", "child_id"),
    )
    with op.batch_alter_table("concern_child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_child_child_id"), ["child_id"], unique=False)

    op.create_table(
        "contact_restriction",
        sa.Column("restriction_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.child_id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.person_id"],
        ),
        sa.PrimaryKeyConstraint("restriction_id"),
    )
    with op.batch_alter_table("contact_restriction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_restriction_child_id"), ["child_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_restriction_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "device",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("app_version", sa.String(length=40), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credential_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrolment_code_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_code_id"],
            ["enrolment_code.code_id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.practitioner_id"],
        ),
        sa.PrimaryKeyConstraint("device_id"),
        sa.UniqueConstraint("credential_hash"),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_device_practitioner_id"), ["practitioner_id"], unique=False
        )

    op.create_table(
        "person_link",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.child_id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.org_id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.person_id"],
        ),
        sa.PrimaryKeyConstraint("link_id"),
    )
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_link_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_link_person_id"), ["person_id"], unique=False)

    op.create_table(
        "visit_child",
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.child_id"],
        ),
        sa.PrimaryKeyConstraint("visit_id", "child_id"),
    )
    with op.batch_alter_table("visit_child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_child_child_id"), ["child_id"], unique=False)


def audit_log_append_only() -> None:
    """The audit log refuses UPDATE and DELETE, on SQLite and on PostgreSQL."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def drop_audit_guard() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
