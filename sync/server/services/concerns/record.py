"""Staff writes at the central record: a third party's concern recorded (a relative's phone call,
another agency's message) and a concern acknowledged by a named person with what they did. Both
go the way a device's do (store.py) and reach the children's holders through the change feed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlmodel import Session, col, select

from models.checks import has_text
from models.concern import Acknowledgement, ConcernReceived, Reporter, acknowledgement_problem
from models.ids import new_id
from models.rules import check_concern
from sync import protocol
from sync.protocol import AcknowledgeRequest, ConcernRequest, ConcernView
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, OrgLog, Refusal, StaffRole
from sync.server.services.concerns.reads import concern_children, refused, views
from sync.server.services.concerns.store import acknowledge, may_acknowledge, store_concern
from sync.server.services.oversight import recheck
from sync.server.tables import ChildRow, ConcernRow, PersonRow, ReporterRow

__all__ = ["acknowledge_concern", "record_concern"]

MAX_REPORTER_TEXT = 400  # a name, a phone number or an address, a relationship's note


def _recheck(
    s: Session,
    actor: Actor,
    children: list[ChildRow],
    now: datetime,
    *,
    log: OrgLog,
    audit: AuditLog,
) -> None:
    """Raise or clear "concern unacknowledged past its time limit" on these children, in the
    same transaction (sync.server.services.oversight.recheck), with the rows already read."""
    recheck(
        s,
        org_id=actor.org_id,
        child_ids=[c.child_id for c in children],
        now=now,
        log=log,
        audit=audit,
        children={c.child_id: c for c in children},
    )


def _caseload_role(actor: Actor) -> None:
    if actor.role == StaffRole.ADMIN:
        raise Refusal(
            protocol.FORBIDDEN,
            "Concerns are recorded by staff who hold a caseload: ask a social worker or manager.",
        )


def _checked(request: ConcernRequest, now: datetime) -> None:
    """What can be refused before reading anything."""
    at = request.received_at
    if at.tzinfo is None:
        raise Refusal(protocol.REQUEST_INVALID, "received_at: give the time with its time zone.")
    if at > now + protocol.FUTURE_ALLOWANCE:
        raise Refusal(
            protocol.RECORD_FUTURE_DATED,
            "The concern is dated in the future: say when it was actually received.",
        )
    if not has_text(request.content):
        raise Refusal(
            protocol.REQUEST_INVALID, "Record what was said, in the reporter's words if you can."
        )
    if request.reporter_id is None and request.reporter is None:
        raise Refusal(protocol.REQUEST_INVALID, "Say who raised the concern.")
    r = request.reporter
    if r is not None and any(
        len(t) > MAX_REPORTER_TEXT for t in (r.name, r.contact, r.relationship_notes)
    ):
        raise Refusal(
            protocol.REQUEST_INVALID,
            f"The reporter's name, contact and notes must each be under {MAX_REPORTER_TEXT} "
            "characters: put anything longer in what was said.",
        )


def _reporter(s: Session, actor: Actor, request: ConcernRequest) -> Reporter:
    """The reporter's details: as on the record for a known reporter, else as given."""
    if request.reporter_id is not None:
        row = s.get(ReporterRow, (actor.org_id, request.reporter_id))
        if row is not None:
            return Reporter.model_validate(row.data)
        person = s.get(PersonRow, request.reporter_id)
        if person is None or person.org_id != actor.org_id:
            raise Refusal(protocol.NOT_FOUND, "No such reporter on your organisation's record.")
    return request.reporter or Reporter()


def _same(row: ConcernRow, concern: ConcernReceived) -> bool:
    kept = ConcernReceived.model_validate(row.data)
    fields = ("channel", "received_at", "received_by", "content", "children_concerned")
    return all(getattr(kept, f) == getattr(concern, f) for f in fields)


def record_concern(
    *, db: Database, actor: Actor, request: ConcernRequest, now: datetime
) -> ConcernView:
    concern_id = request.concern_id or new_id()
    try:
        _caseload_role(actor)
        _checked(request, now)
        with db.write() as s:
            log = OrgLog(s, actor.org_id)  # the org lock, first thing, as a push takes it
            audit = AuditLog(s, now, actor)
            wanted = list(dict.fromkeys(request.children_concerned))
            rows = s.exec(
                select(ChildRow).where(
                    col(ChildRow.child_id).in_(wanted), ChildRow.org_id == actor.org_id
                )
            ).all()
            children = {c.child_id: c for c in rows}
            if len(children) != len(wanted):  # another organisation's child is no child here
                raise Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
            concern = ConcernReceived(
                concern_id=concern_id,
                reporter_id=request.reporter_id,
                reporter=_reporter(s, actor, request),
                channel=request.channel,
                received_at=request.received_at,
                received_by=actor.practitioner_id,
                content=request.content,
                children_concerned=wanted,
            )
            check = check_concern(concern)  # the rules a device's concern meets
            if not check.ok:
                raise Refusal(protocol.REQUEST_INVALID, " ".join(p.message for p in check.problems))
            existing = s.get(ConcernRow, (actor.org_id, concern_id))
            if existing is not None:  # the same request again: the same answer
                if not _same(existing, concern):
                    raise Refusal(
                        protocol.SYNC_CONFLICT,
                        "A different concern with this id is already on the record.",
                    )
                audit.add("concern.duplicate", record_id=concern_id)
                audit.flush()
                return views(s, actor, [existing], {concern_id: list(children.values())})[0]
            row, drafts = store_concern(
                s,
                org_id=actor.org_id,
                concern=concern,
                source=concern_id,
                children=children,
                now=now,
            )
            log.add(drafts)
            for child_id in wanted:
                audit.add("concern.recorded", record_id=concern_id, child_id=child_id)
            _recheck(s, actor, [children[c] for c in wanted], now, log=log, audit=audit)
            log.flush()
            audit.flush()
            return views(s, actor, [row], {concern_id: [children[c] for c in wanted]})[0]
    except Refusal as exc:
        raise refused(db, actor, now, "concern.record", exc, record_id=concern_id) from None


def acknowledge_concern(
    *, db: Database, actor: Actor, concern_id: UUID, request: AcknowledgeRequest, now: datetime
) -> ConcernView:
    """A named person (the caller) says what they did. A second acknowledgement is refused as
    stale: the first one stands, as when two devices acknowledge the same concern."""
    try:
        _caseload_role(actor)
        with db.write() as s:
            log = OrgLog(s, actor.org_id)
            audit = AuditLog(s, now, actor)
            row = s.get(ConcernRow, (actor.org_id, concern_id))
            if row is None:
                raise Refusal(protocol.NOT_FOUND, "No such concern on your organisation's record.")
            children = concern_children(s, actor.org_id, [concern_id])[concern_id]
            if not may_acknowledge(actor, children):
                raise Refusal(
                    protocol.FORBIDDEN,
                    "Only the allocated worker or their manager can acknowledge this concern.",
                )
            shape = ConcernReceived.model_validate(row.data)
            problem = acknowledgement_problem(shape, request.action_taken)
            if problem is not None:
                code = protocol.REQUEST_INVALID if shape.acknowledgement is None else None
                raise Refusal(code or protocol.SYNC_STALE_BASE, problem)
            ack = Acknowledgement(
                by_practitioner_id=actor.practitioner_id,
                at=now,
                action_taken=request.action_taken.strip(),
            )
            drafts, apply = acknowledge(s, row, ack, children)
            apply()
            log.add(drafts)
            for c in children:
                audit.add("concern.acknowledged", record_id=concern_id, child_id=c.child_id)
            _recheck(s, actor, children, now, log=log, audit=audit)
            log.flush()
            audit.flush()
            return views(s, actor, [row], {concern_id: children})[0]
    except Refusal as exc:
        raise refused(db, actor, now, "concern.acknowledge", exc, record_id=concern_id) from None
