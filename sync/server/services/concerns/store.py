"""What a concern does to the central record, however it arrives (a device's push or staff at the
central record): linked to a stable reporter, stored with its children, sent to their holders
through the change feed; and, once a named person acknowledges it, bumped to its acknowledged
revision. push/plan.py and the staff services call these: one rule, written once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlmodel import Session, select

from models.concern import ACKNOWLEDGED_REVISION, Acknowledgement, ConcernReceived, Reporter
from models.ids import new_id
from sync.protocol import ChangeKind
from sync.server.services.common import Actor, ChangeDraft, ChildLike, child_in_scope
from sync.server.tables import ConcernChildRow, ConcernRow, PersonRow, ReporterRow

__all__ = ["acknowledge", "link_reporter", "may_acknowledge", "store_concern"]


def link_reporter(
    s: Session, *, org_id: str, reporter_id: UUID | None, details: Reporter, now: datetime
) -> UUID:
    """The reporter a concern is from: `reporter_id` if it is one of the organisation's
    reporters; else the reporter record of the organisation's person with that id (made on
    their first report); else a new reporter made from `details` (under the id given, if one:
    a device may make it offline so that its later reports link up; ids are per organisation).

    Names are never matched, exactly or fuzzily: two calls from "J. Smith" are two reporters
    until someone links them. Matching names is a person's job, not the central record's."""
    if reporter_id is not None:
        if s.get(ReporterRow, (org_id, reporter_id)) is not None:
            return reporter_id
        person = s.get(PersonRow, reporter_id)
        if person is not None and person.org_id == org_id:
            known = s.exec(
                select(ReporterRow).where(
                    ReporterRow.org_id == org_id, ReporterRow.person_id == reporter_id
                )
            ).first()
            if known is not None:
                return known.reporter_id
            return _new_reporter(s, org_id, new_id(), details, now, person_id=reporter_id)
    return _new_reporter(s, org_id, reporter_id or new_id(), details, now)


def _new_reporter(
    s: Session,
    org_id: str,
    reporter_id: UUID,
    details: Reporter,
    now: datetime,
    *,
    person_id: UUID | None = None,
) -> UUID:
    s.add(
        ReporterRow(
            org_id=org_id,
            reporter_id=reporter_id,
            person_id=person_id,
            data=details.model_dump(mode="json"),
            confidential=details.confidential_identity,
            created_at=now,
        )
    )
    s.flush()  # a second concern from the same new reporter, in the same push, finds it
    return reporter_id


def store_concern(
    s: Session,
    *,
    org_id: str,
    concern: ConcernReceived,
    source: UUID,
    children: Mapping[UUID, ChildLike],
    now: datetime,
) -> tuple[ConcernRow, list[ChangeDraft]]:
    """Store a new concern, linked to its reporter, and the change rows that carry it to the
    holders of every child it concerns (each one in `children`: the organisation's)."""
    reporter_id = link_reporter(
        s, org_id=org_id, reporter_id=concern.reporter_id, details=concern.reporter, now=now
    )
    concern = concern.model_copy(update={"reporter_id": reporter_id})
    data = concern.model_dump(mode="json")
    row = ConcernRow(
        concern_id=concern.concern_id,
        org_id=org_id,
        revision=1,
        data=data,
        source_record_id=source,
        reporter_id=reporter_id,
        received_at=concern.received_at or now,
    )
    s.add(row)
    s.flush()  # the concern before its links (no ORM relationships to order them)
    drafts = []
    for child_id in dict.fromkeys(concern.children_concerned):
        s.add(ConcernChildRow(org_id=org_id, concern_id=concern.concern_id, child_id=child_id))
        drafts.append(
            ChangeDraft.for_child(children[child_id], ChangeKind.CONCERN, concern.concern_id, data)
        )
    return row, drafts


def may_acknowledge(actor: Actor, children: Sequence[ChildLike]) -> bool:
    """The allocated worker or their manager of any child the concern is about."""
    return any(child_in_scope(actor, c) for c in children)


def acknowledge(
    s: Session, row: ConcernRow, ack: Acknowledgement, children: Sequence[ChildLike]
) -> tuple[list[ChangeDraft], Callable[[], None]]:
    """The change rows that tell the holders, and the write that bumps the concern to its
    acknowledged revision. Delivery is never receipt: only this closes a concern."""
    shape = ConcernReceived.model_validate(row.data)
    shape.acknowledgement = ack
    data = shape.model_dump(mode="json")

    def apply() -> None:
        row.revision = ACKNOWLEDGED_REVISION
        row.data = data
        row.acknowledged_at = ack.at
        s.add(row)

    drafts = [ChangeDraft.for_child(c, ChangeKind.CONCERN, row.concern_id, data) for c in children]
    return drafts, apply
