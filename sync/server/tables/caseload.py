"""The caseload: organisations, teams, practitioners, and the children, households, people,
links, restrictions and allocations they hold. Current state; every change also goes to `change`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import json_field, time_field
from sync.server.tables.base import ServerTable

__all__ = [
    "AllocationRow",
    "ChildRow",
    "HouseholdRow",
    "OrgSeqRow",
    "OrganisationRow",
    "PersonLinkRow",
    "PersonRow",
    "PractitionerRow",
    "RestrictionRow",
    "TeamRow",
]


class OrganisationRow(ServerTable, table=True):
    __tablename__ = "organisation"
    org_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    epoch: int = 1  # bumped when every cursor must start over
    cursor_floor: int = 0  # cursors below this (tombstones compacted away) get 410
    # The organisation's X25519 recovery public key (base64); its private key is never here.
    recovery_public_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = time_field()
    # Local timescale rules, closures and oversight limits (models.oversight.OrgSettings as JSON);
    # NULL: the defaults. swept_at: when the oversight checks last ran (seen admin run-checks).
    settings: dict[str, Any] | None = json_field(nullable=True)
    swept_at: datetime | None = time_field(nullable=True)


class OrgSeqRow(ServerTable, table=True):
    """The per-org change number: `UPDATE org_seq SET n = ...` under a row lock, in the writing
    transaction, so change numbers follow commit order and a reader never skips a row."""

    __tablename__ = "org_seq"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    n: int = Field(default=0, sa_type=sa.BigInteger)


class TeamRow(ServerTable, table=True):
    __tablename__ = "team"
    team_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    name: str = Field(max_length=200)


class PractitionerRow(ServerTable, table=True):
    __tablename__ = "practitioner"
    practitioner_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    team_id: UUID | None = Field(default=None, foreign_key="team.team_id", index=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=40)  # sync.server.services.StaffRole
    scope_version: int = 1  # bumped when what this practitioner may see changes shape
    created_at: datetime = time_field()


class HouseholdRow(ServerTable, table=True):
    __tablename__ = "household"
    household_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = json_field()


class PersonRow(ServerTable, table=True):
    __tablename__ = "person"
    person_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    data: dict[str, Any] = json_field()


class ChildRow(ServerTable, table=True):
    __tablename__ = "child"
    child_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", index=True, max_length=64)
    household_id: UUID | None = Field(default=None, foreign_key="household.household_id")
    allocated_to: UUID | None = Field(
        default=None, foreign_key="practitioner.practitioner_id", index=True
    )
    team_id: UUID | None = Field(default=None, foreign_key="team.team_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.Child without links
    last_visit_at: datetime | None = time_field(nullable=True)
    last_visit_id: UUID | None = None
    last_seen_at: datetime | None = time_field(nullable=True)
    last_seen_visit_id: UUID | None = None
    next_visit_due: date | None = None


class PersonLinkRow(ServerTable, table=True):
    __tablename__ = "person_link"
    link_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.PersonLink


class RestrictionRow(ServerTable, table=True):
    __tablename__ = "contact_restriction"
    restriction_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    person_id: UUID = Field(foreign_key="person.person_id", index=True)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    data: dict[str, Any] = json_field()  # models.caseload.ContactRestriction


class AllocationRow(ServerTable, table=True):
    """Allocation history: who held each child, when. The current one has ended_at NULL."""

    __tablename__ = "allocation"
    allocation_id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    child_id: UUID = Field(foreign_key="child.child_id", index=True)
    practitioner_id: UUID = Field(foreign_key="practitioner.practitioner_id")
    started_at: datetime = time_field()
    ended_at: datetime | None = time_field(nullable=True)
