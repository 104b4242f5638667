"""Push: store each item in the same transaction as its dedupe check; receipts after commit.

Per item, in request order:
  same (record_id, revision) already accepted, same hash   -> duplicate: the original receipt
  same (record_id, revision) already accepted, other hash  -> conflict (held for a person)
  an amendment/acknowledgement of a stale or missing base  -> conflict (held)
  fails parsing, its hash, identity, scope or the rules    -> rejected (held, with the messages)
  otherwise                                                -> accepted, with its effects:
      a visit revision, last-seen dates, flags for the manager, concerns for the allocated worker.
Held items (conflict/rejected) go to `quarantine` and to the practitioner's and team's change feed;
the same held item sent again gets the same receipt. Nothing a device sent is dropped.

What needs no database (the record, its hash, identity, the rules: intake.py) is checked before
the org lock is taken; then one transaction: the lock, one dedupe lookup for the whole batch,
the effects, and every row written in bulk (insert_rows) before the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

import sqlalchemy as sa
from sqlmodel import Session, select

from models.amendment import Amendment
from models.canonical import canonical_json
from models.concern import Acknowledgement, ConcernReceived
from models.enums import (
    CarerRole,
    ReasonNotSeenAlone,
    SafeguardingConcernNow,
    YesNo,
)
from models.ids import new_id
from models.lifecycle import apply_amendment, check_amendment
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.protocol import (
    ChangeKind,
    FlagData,
    FlagKind,
    PushItem,
    PushResponse,
    QuarantineData,
)
from sync.server.db import Database, JsonText, insert_rows
from sync.server.services.caseload import seen_data
from sync.server.services.common import (
    Actor,
    AuditLog,
    ChangeDraft,
    OrgLog,
    child_in_scope,
)
from sync.server.services.intake import (
    Held,
    Parsed,
    Record,
    as_received,
    held,
    parse_item,
    rejected,
)
from sync.server.tables import (
    ChildRow,
    ConcernChildRow,
    ConcernRow,
    QuarantineRow,
    RecordRevisionRow,
    RestrictionRow,
    VisitChildRow,
    VisitRevisionRow,
    table_of,
)

__all__ = ["push_items"]

_FLAG_NS = UUID("6f1d3a52-8c3e-4c36-9a43-54c3b9c1d7a1")


@dataclass
class _Plan:
    drafts: list[ChangeDraft]
    apply: Callable[[], None]
    audits: Sequence[tuple[str, UUID | None]] = field(default_factory=list)  # (action, child_id)


class _Batch:
    """One push: the org lock, prefetched state, and the buffered writes."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        now: datetime,
        items: list[PushItem],
        parsed: list[Parsed | Held],
    ):
        self.s = session
        session.autoflush = False  # writes go out in bulk at the end
        self.actor = actor
        self.now = now
        self.log = OrgLog(session, actor.org_id)  # the org lock, first thing
        self.audit = AuditLog(session, now, actor)
        self.parsed = parsed
        record_ids = sorted({item.record_id for item in items})
        rr = table_of(RecordRevisionRow).c
        self.accepted: dict[tuple[UUID, int], Any] = {
            (r.record_id, r.revision): r
            for r in session.execute(
                sa.select(
                    rr.receipt_id, rr.record_id, rr.revision, rr.kind, rr.content_hash,
                    rr.server_seq, rr.received_at,
                ).where(rr.record_id.in_(record_ids))
            )
        }  # fmt: skip
        q = table_of(QuarantineRow).c
        self.held: dict[tuple[UUID, int, str], Any] = {  # rows: the receipt, never the body
            (h.record_id, h.revision, h.content_hash): h
            for h in session.execute(
                sa.select(
                    q.receipt_id, q.record_id, q.revision, q.content_hash, q.status, q.code,
                    q.problems, q.server_seq, q.received_at,
                ).where(q.record_id.in_(record_ids))
            )
        }  # fmt: skip
        records = [p.record for p in parsed if isinstance(p, Parsed)]
        visits = [r for r in records if isinstance(r, Visit)]
        concerns = [r for r in records if isinstance(r, ConcernReceived)]
        child_ids = {o.child_id for v in visits for o in v.children}
        child_ids |= {c for v in visits for q in v.concerns_received for c in q.children_concerned}
        child_ids |= {c for q in concerns for c in q.children_concerned}
        self.children: dict[UUID, _Child] = {}
        self._load_children(child_ids)
        amended = [r.amends_visit_id for r in records if isinstance(r, Amendment)]
        self.latest: dict[UUID, _Latest] = {}
        if amended:
            vr = table_of(VisitRevisionRow).c
            for v in session.execute(
                sa.select(vr.visit_id, vr.revision, vr.body).where(vr.visit_id.in_(amended))
            ):
                if v.visit_id not in self.latest or v.revision > self.latest[v.visit_id].revision:
                    self.latest[v.visit_id] = _Latest(v.revision, body=v.body)
        # Accepted rows are written in bulk at the end (flush), in this same transaction.
        self.revision_rows: list[dict[str, Any]] = []
        self.visit_rows: list[dict[str, Any]] = []
        self.visit_child_rows: list[dict[str, Any]] = []
        acked = [it.record_id for it in items if it.kind == RecordKind.ACKNOWLEDGEMENT]
        acked += [q.concern_id for q in concerns]
        acked += [q.concern_id for v in visits for q in v.concerns_received]
        self.concerns: dict[UUID, ConcernRow] = {}
        if acked:
            self.concerns = {
                c.concern_id: c
                for c in session.exec(select(ConcernRow).where(ConcernRow.concern_id.in_(acked)))  # type: ignore[attr-defined]
            }
        carers = {
            p.person_id
            for v in visits
            for p in v.persons_present
            if p.role_in_care not in (None, CarerRole.NONE)
        }
        self.restrictions: dict[UUID, list[RestrictionRow]] = {}
        if carers:
            for r in session.exec(
                select(RestrictionRow).where(RestrictionRow.person_id.in_(carers))  # type: ignore[attr-defined]
            ):
                self.restrictions.setdefault(r.person_id, []).append(r)
            self._load_children({r.child_id for rs in self.restrictions.values() for r in rs})

    def _load_children(self, ids: set[UUID]) -> None:
        wanted = [i for i in ids if i not in self.children]
        if wanted:
            c = _CHILD.c
            query = sa.select(*(c[name] for name in _Child.COLUMNS)).where(c.child_id.in_(wanted))
            for row in self.s.execute(query):
                self.children[row.child_id] = _Child(*row)

    def flush(self) -> None:
        changed = [child.seen_row() for child in self.children.values() if child.changed]
        if changed:
            self.s.execute(_UPDATE_SEEN, changed)
        for table, rows in (
            (RecordRevisionRow, self.revision_rows),
            (VisitRevisionRow, self.visit_rows),
            (VisitChildRow, self.visit_child_rows),
        ):
            insert_rows(self.s, table_of(table), rows)
        self.log.flush()
        self.audit.flush()

    # --- one item ---------------------------------------------------------------------------
    def handle(self, item: PushItem, parsed: Parsed | Held) -> Receipt:
        key = (item.record_id, item.revision)
        kept = self.held.get((item.record_id, item.revision, item.content_hash))
        if kept is not None:  # the same held item again: the same receipt
            return _held_receipt(kept)
        done = self.accepted.get(key)
        if done is not None:
            if done.content_hash == item.content_hash:
                self.audit.add(f"push.{item.kind}.duplicate", record_id=item.record_id)
                return Receipt(
                    record_id=item.record_id,
                    revision=item.revision,
                    status=ReceiptStatus.DUPLICATE,
                    receipt_id=done.receipt_id,
                    server_seq=done.server_seq,
                    received_at=done.received_at,
                )
            stale = item.kind in (RecordKind.AMENDMENT, RecordKind.ACKNOWLEDGEMENT)
            return self.hold(
                item,
                held(
                    ReceiptStatus.CONFLICT,
                    protocol.SYNC_STALE_BASE if stale else protocol.SYNC_CONFLICT,
                    "Someone else changed this record first"
                    if stale
                    else "A different version of this record already reached the central record",
                    "Both versions are kept: your manager will help decide which is right.",
                ),
            )
        if isinstance(parsed, Held):
            return self.hold(item, parsed)
        outcome = self.plan(item, parsed)
        if isinstance(outcome, Held):
            return self.hold(item, outcome)
        outcome.apply()
        server_seq = self.log.add(outcome.drafts)
        receipt_id = new_id()
        self.revision_rows.append(
            {
                "receipt_id": receipt_id,
                "org_id": self.actor.org_id,
                "record_id": item.record_id,
                "revision": item.revision,
                "kind": item.kind.value,
                "base_revision": item.base_revision,
                "content_hash": item.content_hash,
                # the canonical JSON its content_hash is over, stored once: a visit's is in
                # visit_revision (see RecordRevisionRow)
                "body": None if item.kind == RecordKind.VISIT else parsed.canonical,
                "practitioner_id": self.actor.practitioner_id,
                "device_id": self.actor.device_id,
                "received_at": self.now,
                "server_seq": server_seq,
            }
        )
        self.accepted[key] = _Accepted(
            receipt_id, item.record_id, item.revision, item.content_hash, server_seq, self.now
        )
        for action, child_id in outcome.audits or [(f"push.{item.kind}.accepted", None)]:
            self.audit.add(action, record_id=item.record_id, child_id=child_id)
        return Receipt(
            record_id=item.record_id,
            revision=item.revision,
            status=ReceiptStatus.ACCEPTED,
            receipt_id=receipt_id,
            server_seq=server_seq,
            received_at=self.now,
        )

    def hold(self, item: PushItem, why: Held) -> Receipt:
        receipt_id = new_id()
        data = QuarantineData(
            record_id=item.record_id,
            revision=item.revision,
            kind=item.kind.value,
            status=why.status.value,
            code=why.code,
            problems=why.problems,
            practitioner_id=self.actor.practitioner_id,
            received_at=self.now,
        )
        draft = ChangeDraft(
            ChangeKind.QUARANTINE,
            receipt_id,
            data.model_dump(mode="json"),
            None,
            False,
            self.actor.practitioner_id,
            self.actor.team_id,
        )
        server_seq = self.log.add([draft])
        row = QuarantineRow(
            receipt_id=receipt_id,
            org_id=self.actor.org_id,
            record_id=item.record_id,
            revision=item.revision,
            kind=item.kind.value,
            base_revision=item.base_revision,
            content_hash=item.content_hash,
            body=as_received(item),
            status=why.status.value,
            code=why.code,
            problems=why.problems,
            practitioner_id=self.actor.practitioner_id,
            device_id=self.actor.device_id,
            received_at=self.now,
            server_seq=server_seq,
        )
        self.s.add(row)
        self.held[(item.record_id, item.revision, item.content_hash)] = row
        self.audit.add(f"push.{item.kind}.{why.status}", record_id=item.record_id, outcome=why.code)
        return _held_receipt(row)

    # --- what accepting would do ------------------------------------------------------------
    def plan(self, item: PushItem, parsed: Parsed) -> _Plan | Held:
        record = parsed.record
        if isinstance(record, Visit):
            return self._plan_visit(record, canonical=parsed.canonical)
        if isinstance(record, Amendment):
            return self._plan_amendment(record)
        if isinstance(record, ConcernReceived):
            return self._plan_concern(record)
        return self._plan_acknowledgement(item, record)

    def _scope_problem(self, child_ids: list[UUID], record_id: UUID) -> Held | None:
        for child_id in child_ids:
            child = self.children.get(child_id)
            if child is None or child.org_id != self.actor.org_id:
                return rejected(
                    protocol.RECORD_UNKNOWN_CHILD,
                    "This record names a child the central record does not hold. Tell your "
                    "manager: the record is kept.",
                )
            if not child_in_scope(self.actor, child):
                self.audit.add(
                    "push.refused", record_id=record_id, child_id=child_id, outcome="forbidden"
                )
                return rejected(
                    protocol.RECORD_FORBIDDEN,
                    "This record names a child who is not on your caseload. Tell your manager: "
                    "the record is kept.",
                )
        return None

    def _plan_visit(
        self, visit: Visit, *, previous: Visit | None = None, canonical: JsonText | None = None
    ) -> _Plan | Held:
        child_ids = [o.child_id for o in visit.children]
        if previous is None:
            problem = self._scope_problem(child_ids, visit.visit_id)
            if problem is not None:
                return problem
            concern_children = [c for q in visit.concerns_received for c in q.children_concerned]
            for c in concern_children:
                if c not in self.children or self.children[c].org_id != self.actor.org_id:
                    return rejected(
                        protocol.RECORD_UNKNOWN_CHILD,
                        "A concern in this visit names a child the central record does not hold.",
                    )
        drafts: list[ChangeDraft] = []
        seen_f2f = set(visit.child_seen_face_to_face)
        for outcome in visit.children:
            child = self.children[outcome.child_id]
            started = visit.started_at
            changed = False
            if started is not None and (
                child.last_visit_at is None or started >= child.last_visit_at
            ):
                child.last_visit_at, child.last_visit_id = started, visit.visit_id
                if visit.next_visit_due is not None:
                    child.next_visit_due = visit.next_visit_due
                changed = True
            if (
                outcome.child_id in seen_f2f
                and started is not None
                and (child.last_seen_at is None or started >= child.last_seen_at)
            ):
                child.last_seen_at, child.last_seen_visit_id = started, visit.visit_id
                changed = True
            if changed:  # an older visit arriving late changes nothing a device holds
                child.changed = True
                drafts.append(
                    ChangeDraft.for_child(child, ChangeKind.SEEN, child.child_id, seen_data(child))
                )
        new_flags = self._flags(visit)
        old_flags = self._flags(previous) if previous is not None else {}
        for flag_id, (child, data) in new_flags.items():
            if flag_id not in old_flags:
                drafts.append(ChangeDraft.for_child(child, ChangeKind.FLAG, flag_id, data))
        for flag_id, (child, _data) in old_flags.items():
            if flag_id not in new_flags:
                gone = ChangeDraft.for_child(child, ChangeKind.FLAG, flag_id, None)
                gone.deleted = True
                drafts.append(gone)
        if previous is None:
            for concern in visit.concerns_received:
                if concern.concern_id in self.concerns:
                    continue
                drafts.extend(self._new_concern(concern, visit.visit_id))

        def apply() -> None:
            body = canonical or JsonText(canonical_json(visit).decode())
            self.visit_rows.append(
                {
                    "visit_id": visit.visit_id,
                    "revision": visit.revision,
                    "org_id": self.actor.org_id,
                    "practitioner_id": visit.practitioner_id,
                    "kind": RecordKind.VISIT.value
                    if previous is None
                    else RecordKind.AMENDMENT.value,
                    "body": body,
                    "started_at": visit.started_at,
                    "received_at": self.now,
                    "received_by_practitioner_id": self.actor.practitioner_id,
                }
            )
            # an amendment later in this batch builds on it
            self.latest[visit.visit_id] = _Latest(visit.revision, visit=visit)
            if previous is None:
                self.visit_child_rows.extend(
                    {"visit_id": visit.visit_id, "child_id": c} for c in dict.fromkeys(child_ids)
                )

        action = "push.visit.accepted" if previous is None else "push.amendment.accepted"
        return _Plan(drafts, apply, [(action, c) for c in dict.fromkeys(child_ids)])

    def _flags(self, visit: Visit) -> dict[UUID, tuple[_Child, dict[str, Any]]]:
        flags: dict[UUID, tuple[_Child, dict[str, Any]]] = {}
        seen_f2f = set(visit.child_seen_face_to_face)

        def flag(child_id: UUID, kind: FlagKind, reason: str = "", **extra: Any) -> None:
            child = self.children.get(child_id)
            if child is None:
                return
            key = f"{visit.visit_id}:{child_id}:{kind}:{extra.get('person_id') or ''}"
            data = FlagData(
                flag=kind,
                child_id=child_id,
                visit_id=visit.visit_id,
                revision=visit.revision,
                practitioner_id=visit.practitioner_id,
                visit_started_at=visit.started_at,
                reason=reason,
                **extra,
            )
            flags[uuid5(_FLAG_NS, key)] = (child, data.model_dump(mode="json"))

        concern_now = visit.safeguarding_concern_now
        for o in visit.children:
            if o.child_id not in seen_f2f:
                reason = o.reason_not_seen.value if o.reason_not_seen else "NOT_FACE_TO_FACE"
                flag(o.child_id, FlagKind.CHILD_NOT_SEEN, reason)
            if o.child_seen == YesNo.YES and (
                o.reason_not_seen_alone == ReasonNotSeenAlone.PARENT_CARER_PREVENTED
            ):
                flag(
                    o.child_id, FlagKind.PREVENTED_FROM_SEEING_ALONE, o.reason_not_seen_alone.value
                )
            if concern_now not in (None, SafeguardingConcernNow.NONE):
                assert concern_now is not None
                flag(o.child_id, FlagKind.SAFEGUARDING_CONCERN_NOW, concern_now.value)
        on = (visit.started_at or visit.created_on_device_at).date()
        for person in visit.persons_present:
            if person.role_in_care in (None, CarerRole.NONE):
                continue
            for r in self.restrictions.get(person.person_id, []):
                expires = r.data.get("expires_on")
                if expires is not None and expires < on.isoformat():
                    continue
                cared_for = {rel.child_id for rel in person.relationships}
                for child_id in {*cared_for, r.child_id}:
                    flag(
                        child_id,
                        FlagKind.RESTRICTED_ADULT_CARING,
                        str(r.data.get("restriction_type", "")),
                        person_id=person.person_id,
                        restriction_id=r.restriction_id,
                    )
        return flags

    def _new_concern(self, concern: ConcernReceived, source: UUID) -> list[ChangeDraft]:
        data = concern.model_dump(mode="json")
        row = ConcernRow(
            concern_id=concern.concern_id,
            org_id=self.actor.org_id,
            revision=1,
            data=data,
            source_record_id=source,
        )
        self.s.add(row)
        self.s.flush()  # the concern before its links (no ORM relationships to order them)
        self.concerns[concern.concern_id] = row
        drafts = []
        for child_id in dict.fromkeys(concern.children_concerned):
            self.s.add(ConcernChildRow(concern_id=concern.concern_id, child_id=child_id))
            child = self.children[child_id]
            drafts.append(
                ChangeDraft.for_child(child, ChangeKind.CONCERN, concern.concern_id, data)
            )
        return drafts

    def _plan_amendment(self, amendment: Amendment) -> _Plan | Held:
        latest = self.latest.get(amendment.amends_visit_id)
        if latest is None or latest.revision < amendment.amends_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_MISSING_BASE,
                "The visit this amends has not reached the central record. The amendment is "
                "kept: your manager will help.",
            )
        if latest.revision > amendment.amends_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_STALE_BASE,
                "The visit was changed after this amendment was started. Both are kept: your "
                "manager will help decide which is right.",
            )
        visit = latest.shape()
        self._load_children({o.child_id for o in visit.children})
        if visit.practitioner_id != self.actor.practitioner_id:
            problem = self._scope_problem([o.child_id for o in visit.children], visit.visit_id)
            if problem is not None or not self.actor.is_manager:
                return problem or rejected(
                    protocol.RECORD_FORBIDDEN,
                    "Only the visit's author or their manager can amend it.",
                )
        check = check_amendment(visit, amendment)
        if not check.ok:
            return rejected(protocol.RECORD_RULES_FAILED, *(p.message for p in check.problems))
        amended = apply_amendment(visit, amendment)
        self._load_children({o.child_id for o in amended.children} - set(self.children))
        missing = [o.child_id for o in amended.children if o.child_id not in self.children]
        if missing:
            return rejected(protocol.RECORD_UNKNOWN_CHILD, "The amendment names an unknown child.")
        return self._plan_visit(amended, previous=visit)

    def _plan_concern(self, concern: ConcernReceived) -> _Plan | Held:
        for child_id in concern.children_concerned:
            child = self.children.get(child_id)
            if child is None or child.org_id != self.actor.org_id:
                return rejected(
                    protocol.RECORD_UNKNOWN_CHILD,
                    "This concern names a child the central record does not hold. Tell your "
                    "manager: the concern is kept.",
                )
        if concern.concern_id in self.concerns:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_CONFLICT,
                "This concern is already on the central record (recorded in a visit). Both are kept.",
            )
        drafts = self._new_concern(concern, concern.concern_id)
        audits = [("push.concern.accepted", c) for c in dict.fromkeys(concern.children_concerned)]
        return _Plan(drafts, lambda: None, audits)

    def _plan_acknowledgement(self, item: PushItem, ack: Record) -> _Plan | Held:
        assert isinstance(ack, Acknowledgement) and item.base_revision is not None
        concern = self.concerns.get(item.record_id)
        if (
            concern is None
            or concern.org_id != self.actor.org_id
            or concern.revision < item.base_revision
        ):
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_MISSING_BASE,
                "The concern this acknowledges is not on the central record yet. Kept.",
            )
        if concern.revision > item.base_revision:
            return held(
                ReceiptStatus.CONFLICT,
                protocol.SYNC_STALE_BASE,
                "This concern was already acknowledged. Both acknowledgements are kept.",
            )
        shape = ConcernReceived.model_validate(concern.data)
        self._load_children(set(shape.children_concerned))
        children = [self.children[c] for c in shape.children_concerned if c in self.children]
        if not any(child_in_scope(self.actor, c) for c in children):
            self.audit.add("push.refused", record_id=item.record_id, outcome="forbidden")
            return rejected(
                protocol.RECORD_FORBIDDEN,
                "Only the allocated worker or their manager can acknowledge this concern.",
            )
        shape.acknowledgement = ack
        data = shape.model_dump(mode="json")

        def apply() -> None:
            concern.revision = item.revision
            concern.data = data
            concern.acknowledged_at = ack.at
            self.s.add(concern)

        drafts = [
            ChangeDraft.for_child(c, ChangeKind.CONCERN, concern.concern_id, data) for c in children
        ]
        return _Plan(
            drafts, apply, [("push.acknowledgement.accepted", c.child_id) for c in children]
        )


_CHILD = table_of(ChildRow)


@dataclass
class _Child:
    """A child's row as a push needs it (scope, last visited and seen), read and written with Core
    statements; `changed` ones are written back in one executemany UPDATE before the commit."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "child_id", "org_id", "allocated_to", "team_id", "last_visit_at", "last_visit_id",
        "last_seen_at", "last_seen_visit_id", "next_visit_due",
    )  # fmt: skip
    child_id: UUID
    org_id: str
    allocated_to: UUID | None
    team_id: UUID | None
    last_visit_at: datetime | None
    last_visit_id: UUID | None
    last_seen_at: datetime | None
    last_seen_visit_id: UUID | None
    next_visit_due: date | None
    changed: bool = False

    def seen_row(self) -> dict[str, Any]:
        return {f"b_{name}": getattr(self, name) for name in _SEEN_COLUMNS}


_SEEN_COLUMNS = (*_Child.COLUMNS[4:], "child_id")
_UPDATE_SEEN = (
    sa.update(_CHILD)
    .where(_CHILD.c.child_id == sa.bindparam("b_child_id"))
    .values({name: sa.bindparam(f"b_{name}") for name in _SEEN_COLUMNS[:-1]})
)


@dataclass(frozen=True)
class _Latest:
    """The latest revision of a visit: its stored body, or the Visit accepted earlier in this batch."""

    revision: int
    body: dict[str, Any] | None = None
    visit: Visit | None = None

    def shape(self) -> Visit:
        return self.visit if self.visit is not None else Visit.model_validate(self.body)


@dataclass(frozen=True)
class _Accepted:
    receipt_id: UUID
    record_id: UUID
    revision: int
    content_hash: str
    server_seq: int
    received_at: datetime


def _held_receipt(row: Any) -> Receipt:
    """The receipt of a held item (a QuarantineRow, or a row of its receipt columns)."""
    return Receipt(
        record_id=row.record_id,
        revision=row.revision,
        status=ReceiptStatus(row.status),
        receipt_id=row.receipt_id,
        server_seq=row.server_seq,
        received_at=row.received_at,
        code=row.code,
        problems=list(row.problems),
    )


def push_items(
    *, db: Database, actor: Actor, items: Sequence[PushItem | OutboxItem], now: datetime
) -> PushResponse:
    """Handle one push in one transaction; the receipts are returned only after it commits.
    OutboxItems (from callers in-process) are taken as PushItems sending their body as JSON."""
    wire = [i if isinstance(i, PushItem) else PushItem(**i.model_dump()) for i in items]
    parsed = [parse_item(item, actor) for item in wire]  # no database needed: outside the lock
    with db.write() as s:
        batch = _Batch(s, actor, now, wire, parsed)
        receipts = [
            batch.handle(item, parsed) for item, parsed in zip(wire, batch.parsed, strict=True)
        ]
        batch.flush()
    seqs = [r.server_seq for r in receipts if r.server_seq is not None]
    return PushResponse(receipts=receipts, max_server_seq=max(seqs, default=0))
