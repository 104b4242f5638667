"""Caseload reference data: children, households, people, their links, allocations and restrictions.

Server-authoritative; a device holds only its practitioner's allocated children. One person may be
linked to children in several households: that is how an adult with a contact restriction on one
child is noticed caring for another (the Child Ak lesson).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from models.base import Shape
from models.enums import (
    AssessedStatus,
    CarerRole,
    ContactRestrictionType,
    ParentalResponsibility,
    Relationship,
    ServiceContext,
)

__all__ = [
    "Child",
    "ContactRestriction",
    "Household",
    "Person",
    "PersonLink",
    "SeenData",
]


class Household(Shape):
    household_id: UUID
    address: str
    postcode: str = ""


class Person(Shape):
    person_id: UUID
    name: str
    date_of_birth: date | None = None
    notes: str = ""


class PersonLink(Shape):
    """One adult's relationship to one child, and their part in that child's care."""

    person_id: UUID
    child_id: UUID
    household_id: UUID | None = None
    relationship: Relationship
    parental_responsibility: ParentalResponsibility = ParentalResponsibility.UNKNOWN
    role_in_care: CarerRole = CarerRole.NONE
    lives_in_household: bool = False
    stays_overnight_regularly: bool = False
    care_pattern: str = ""
    assessed: AssessedStatus = AssessedStatus.NOT_ASSESSED
    # When a visit first recorded them (models.care_found); None for links staff entered.
    found_at_visit_id: UUID | None = None
    found_at: datetime | None = None


class ContactRestriction(Shape):
    restriction_id: UUID
    person_id: UUID
    child_id: UUID
    restriction_type: ContactRestrictionType
    source: str  # court order, CP plan, bail, written agreement
    expires_on: date | None = None


class Child(Shape):
    child_id: UUID
    name: str
    date_of_birth: date | None = None
    nhs_number: str | None = None
    household_id: UUID | None = None
    service_context: ServiceContext
    context_started_on: date | None = None  # plan start, placement start or decision to assess
    allocated_to: UUID | None = None
    updated_at: datetime | None = None
    links: list[PersonLink] = Field(default_factory=list)


class SeenData(Shape):
    """When the central record last knew the child visited and seen (face to face, marked seen):
    the body of a "seen" caseload change, so a device knows visits made by colleagues too."""

    child_id: UUID
    last_visit_at: datetime | None = None
    last_visit_id: UUID | None = None
    last_seen_at: datetime | None = None
    last_seen_visit_id: UUID | None = None
