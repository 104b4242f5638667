"""People acting on flags: a named person marks a flag seen, acknowledges it (they are acting on
it), or closes it with a note; and marks an adult's care arrangement assessed, which clears the
"unassessed care" flag through the life cycle (services.oversight.recheck).

Each act is one transaction under the organisation's change-log lock (OrgLog): the flag_event row
naming the person, the flag row, and the change row that brings every holder's device in line
(a closed flag's row has deleted=True, so devices drop it). A closed flag stays closed while its
condition holds, and reopens if the condition ends and comes back (models.oversight.lifecycle).

Who may: the child's allocated worker or their team manager. Every act is audited, ids only; a
refusal too, in its own transaction.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.caseload import PersonLink
from models.enums import AssessedStatus
from models.flags import FLAG_NS, FlagKind
from models.oversight import FlagAction, FlagStatus
from sync import protocol
from sync.protocol import ChangeKind
from sync.protocol_oversight import CareLinkView, FlagData, FlagView
from sync.server.db import Database
from sync.server.services.caseload import child_shape
from sync.server.services.common import Actor, AuditLog, ChangeDraft, OrgLog, Refusal
from sync.server.services.concerns.reads import refused
from sync.server.services.oversight import recheck
from sync.server.services.oversight.reads import care_views, flag_view, histories, scoped_child
from sync.server.tables import ChildRow, FlagEventRow, FlagRow, PersonLinkRow, table_of

__all__ = ["ACTS", "act_on_flag", "assess_care", "unassessed_care_flag"]

# What a person may do to a flag, and the audit action of each.
ACTS = {
    FlagAction.SEEN: "flag.seen",
    FlagAction.ACKNOWLEDGED: "flag.acknowledged",
    FlagAction.CLOSED: "flag.closed",
}
_EVENT = table_of(FlagEventRow)


def _view(s: Session, org: str, flag_id: UUID, now: datetime) -> FlagView:
    row = s.get(FlagRow, (org, flag_id))
    assert row is not None
    child = s.get(ChildRow, row.child_id)
    allocated = child.allocated_to if child is not None else None
    return flag_view(row, allocated, now, histories(s, org, [flag_id])[flag_id])


def _act(
    s: Session,
    log: OrgLog,
    audit: AuditLog,
    actor: Actor,
    row: FlagRow,
    child: ChildRow,
    action: FlagAction,
    note: str,
    now: datetime,
) -> None:
    """Write one person's act on a flag already checked as theirs to act on."""
    was_open = row.status == FlagStatus.OPEN
    data = FlagData.model_validate(row.data)
    if action == FlagAction.ACKNOWLEDGED:
        data.acknowledged_by, data.acknowledged_at = actor.practitioner_id, now
    if action == FlagAction.CLOSED:
        data.status = row.status = FlagStatus.CLOSED
    row.data = data.model_dump(mode="json")
    row.updated_at = now
    s.add(row)
    s.add(
        FlagEventRow(
            org_id=actor.org_id, flag_id=row.flag_id, at=now, action=action,
            by_practitioner_id=actor.practitioner_id, urgency=row.urgency, note=note,
        )
    )  # fmt: skip
    if was_open:  # a flag no longer open is off the devices: seeing it must not bring it back
        closed = action == FlagAction.CLOSED
        draft = ChangeDraft.for_child(
            child, ChangeKind.FLAG, row.flag_id, None if closed else row.data
        )
        draft.deleted = closed
        log.add([draft])
    audit.add(ACTS[action], record_id=row.flag_id, child_id=row.child_id)


def act_on_flag(
    *, db: Database, actor: Actor, flag_id: UUID, action: FlagAction, note: str, now: datetime
) -> FlagView:
    """The caller saw, acknowledges or closes the flag. Closing needs a note; acknowledging or
    closing a flag that is no longer open is refused (flag.not_open): read it again."""
    if action not in ACTS:
        raise ValueError(f"a person cannot {action} a flag")
    text = note.strip()
    try:
        with db.write() as s:
            log = OrgLog(s, actor.org_id)
            row = s.get(FlagRow, (actor.org_id, flag_id))
            if row is None:
                raise Refusal(protocol.NOT_FOUND, "No such flag on your organisation's record.")
            child = scoped_child(s, actor, row.child_id)
            if action == FlagAction.CLOSED and not text:
                raise Refusal(
                    protocol.REQUEST_INVALID,
                    "Say in a note why this flag can be closed: what was done, or why nothing "
                    "more is needed.",
                )
            if action != FlagAction.SEEN and row.status != FlagStatus.OPEN:
                done = "closed" if row.status == FlagStatus.CLOSED else "cleared"
                raise Refusal(
                    protocol.FLAG_NOT_OPEN,
                    f"This flag is already {done}: nothing was changed. Its history shows who "
                    "did what.",
                )
            audit = AuditLog(s, now, actor)
            _act(s, log, audit, actor, row, child, action, text, now)
            log.flush()
            audit.flush()
            s.flush()
            return _view(s, actor.org_id, flag_id, now)
    except Refusal as exc:
        raise refused(db, actor, now, ACTS[action], exc, record_id=flag_id) from None


def unassessed_care_flag(child_id: UUID, person_id: UUID) -> UUID:
    """The id of the flag an unassessed arrangement raises (models.oversight.conditions._care)."""
    return uuid5(FLAG_NS, f"{person_id}:{child_id}:{FlagKind.UNASSESSED_CARE}")


def assess_care(
    *,
    db: Database,
    actor: Actor,
    child_id: UUID,
    person_id: UUID,
    assessed: AssessedStatus,
    note: str,
    now: datetime,
) -> CareLinkView:
    """Mark an adult's care arrangement for the child: the link, the child on every holder's
    device, and the child's flags. Once assessed, the "unassessed care" flag clears, and its
    history names who assessed it (the note too); an assessment begun acknowledges it."""
    text = note.strip()
    try:
        with db.write() as s:
            log = OrgLog(s, actor.org_id)
            child = scoped_child(s, actor, child_id)
            link_row = s.exec(
                select(PersonLinkRow)
                .where(
                    PersonLinkRow.org_id == actor.org_id,
                    PersonLinkRow.child_id == child_id,
                    PersonLinkRow.person_id == person_id,
                )
                .order_by(col(PersonLinkRow.link_id))
            ).first()
            if link_row is None:
                raise Refusal(
                    protocol.NOT_FOUND, "This person is not linked to this child on the record."
                )
            link = PersonLink.model_validate(link_row.data)
            audit = AuditLog(s, now, actor)
            if link.assessed != assessed:
                link.assessed = assessed
                link_row.data = link.model_dump(mode="json")
                s.add(link_row)
                s.flush()
                shape = child_shape(s, child).model_dump(mode="json")
                log.add([ChangeDraft.for_child(child, ChangeKind.CHILD, child_id, shape)])
                _recheck_naming(s, log, audit, actor, child, person_id, assessed, text, now)
            audit.add("care.assessment.set", record_id=person_id, child_id=child_id)
            log.flush()
            audit.flush()
            return care_views(s, actor.org_id, [link])[0]
    except Refusal as exc:
        raise refused(db, actor, now, "care.assessment.set", exc, child_id=child_id) from None


def _recheck_naming(
    s: Session,
    log: OrgLog,
    audit: AuditLog,
    actor: Actor,
    child: ChildRow,
    person_id: UUID,
    assessed: AssessedStatus,
    note: str,
    now: datetime,
) -> None:
    """The child's flags brought in line; the steps the central record wrote for this person's
    arrangement name who acted (the life cycle writes them without a person)."""
    flag_id = unassessed_care_flag(child.child_id, person_id)
    where = (_EVENT.c.org_id == actor.org_id) & (_EVENT.c.flag_id == flag_id)
    before = s.execute(sa.select(sa.func.max(_EVENT.c.event_id)).where(where)).scalar() or 0
    recheck(
        s, org_id=actor.org_id, child_ids=[child.child_id], now=now, log=log, audit=audit,
        children={child.child_id: child},
    )  # fmt: skip
    ended = (FlagAction.CLEARED, FlagAction.CONDITION_ENDED)
    s.execute(
        sa.update(_EVENT)
        .where(where, _EVENT.c.event_id > before, _EVENT.c.action.in_(ended))
        .values(by_practitioner_id=actor.practitioner_id, note=note)
    )
    row = s.get(FlagRow, (actor.org_id, flag_id))
    if assessed == AssessedStatus.ASSESSMENT_IN_PROGRESS and row is not None:
        s.refresh(row)
        if row.status == FlagStatus.OPEN:
            _act(s, log, audit, actor, row, child, FlagAction.ACKNOWLEDGED, note, now)
