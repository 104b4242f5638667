"""Keep a visit's contacts and sightings (models.oversight.contacts_of / sightings_of) in their
tables: written when a visit is accepted, replaced when an amendment changes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from models.oversight import contacts_of, sightings_of
from models.visit import Visit
from sync.server.db import insert_rows
from sync.server.tables import ContactRow, SightingRow, table_of

__all__ = ["write_contacts"]


def write_contacts(s: Session, org: str, visits: Iterable[Visit]) -> None:
    """The latest revision of each visit, as contacts and sightings (earlier ones replaced)."""
    latest = {v.visit_id: v for v in sorted(visits, key=lambda v: v.revision)}
    if not latest:
        return
    contact, sighting = table_of(ContactRow), table_of(SightingRow)
    amended = [v.visit_id for v in latest.values() if v.revision > 1]
    if amended:
        for table in (contact, sighting):
            s.execute(sa.delete(table).where(table.c.org_id == org, table.c.visit_id.in_(amended)))
    contacts: list[dict[str, Any]] = []
    sightings: list[dict[str, Any]] = []
    for v in latest.values():
        for c in contacts_of(v):
            contacts.append(
                {"org_id": org, "visit_id": c.visit_id, "child_id": c.child_id,
                 "revision": v.revision, "at": c.at, "practitioner_id": v.practitioner_id,
                 "face_to_face": c.face_to_face, "seen": c.seen, "seen_alone": c.seen_alone,
                 "prevented_alone": c.prevented_alone, "reason_not_seen": c.reason_not_seen,
                 "concern_now": c.concern_now, "awake": c.awake, "see_awake_by": c.see_awake_by}
            )  # fmt: skip
        for x in sightings_of(v):
            sightings.append(
                {"org_id": org, "visit_id": x.visit_id, "person_id": x.person_id, "at": x.at,
                 "role": x.role, "household_id": x.household_id,
                 "child_ids": sorted(str(c) for c in x.child_ids)}
            )  # fmt: skip
    if contacts:
        insert_rows(s, contact, contacts)
    if sightings:
        insert_rows(s, sighting, sightings)
