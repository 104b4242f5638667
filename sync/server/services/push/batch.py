"""One push, in one transaction: the org lock, the batch's rows read at once (queries.py), each
item deduplicated, planned (plan.py) and accepted or held, in request order, then every row
written in bulk before the commit; the receipts only after it. The rules are in __init__.py's
docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlmodel import Session

from models.amendment import Amendment
from models.caseload import ContactRestriction
from models.concern import ConcernReceived
from models.ids import new_id
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.protocol import ChangeKind, PushItem, PushResponse, QuarantineData
from sync.server.db import Database
from sync.server.services.common import Actor, AuditLog, ChangeDraft, OrgLog
from sync.server.services.oversight import children_of_adults, write_contacts
from sync.server.services.oversight.pending import drain
from sync.server.services.oversight.plans import DueDates
from sync.server.services.oversight.queue import queue_checks
from sync.server.services.push import queries
from sync.server.services.push.care import CareBook
from sync.server.services.push.intake import Held, Parsed, as_received, held, parse_item
from sync.server.services.push.plan import Planner
from sync.server.services.push.rules import (
    HELD_QUOTA_WINDOW,
    Accepted,
    ChildState,
    Latest,
    held_receipt,
    quarantine_full,
    quarantine_summary_id,
)
from sync.server.settings import HELD_PER_DEVICE_PER_DAY
from sync.server.tables import ConcernRow, QuarantineRow

__all__ = ["push_items"]


class _Batch(Planner):
    """One push: the org lock, prefetched state, and the buffered writes."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        now: datetime,
        items: list[PushItem],
        parsed: list[Parsed | Held],
        *,
        future_allowance: timedelta,
        held_per_day: int,
        oversight: bool = True,
    ):
        self.s = session
        self.oversight = oversight
        session.autoflush = False  # writes go out in bulk at the end
        self.actor = actor
        self.now = now
        self.future_allowance = future_allowance
        self.latest_allowed = now + future_allowance
        self.held_per_day = held_per_day
        org = actor.org_id
        if actor.device_id is None:
            raise ValueError("a push comes from an enrolled device, never the console")
        self.device_id: UUID = actor.device_id
        self.log = OrgLog(session, org)  # the org lock, first thing
        self.audit = AuditLog(session, now, actor)
        self.parsed = parsed
        record_ids = sorted({item.record_id for item in items})
        self.accepted: dict[tuple[UUID, int], Any] = queries.accepted_revisions(
            session, org, record_ids
        )
        self.held: dict[tuple[UUID, int, str], Any] = {}  # rows: the receipt, never the body
        self.held_of: dict[UUID, int] = {}  # this device's held items, by record
        for h in queries.held_items(session, org, record_ids):
            self.held[(h.record_id, h.revision, h.content_hash)] = h
            if h.device_id == actor.device_id:
                self.held_of[h.record_id] = self.held_of.get(h.record_id, 0) + 1
        self.held_today = queries.held_since(session, self.device_id, now - HELD_QUOTA_WINDOW)
        records = [p.record for p in parsed if isinstance(p, Parsed)]
        visits = [r for r in records if isinstance(r, Visit)]
        concerns = [r for r in records if isinstance(r, ConcernReceived)]
        child_ids = {o.child_id for v in visits for o in v.children}
        child_ids |= {c for v in visits for q in v.concerns_received for c in q.children_concerned}
        child_ids |= {c for q in concerns for c in q.children_concerned}
        self.children: dict[UUID, ChildState] = {}  # this organisation's children only
        self._load_children(child_ids)
        self.due = DueDates(session, org, now, self.children if oversight else ())
        amended = [r.amends_visit_id for r in records if isinstance(r, Amendment)]
        self.latest: dict[UUID, Latest] = queries.latest_revisions(session, org, amended)
        # Accepted rows are written in bulk at the end (flush), in this same transaction.
        self.revision_rows: list[dict[str, Any]] = []
        self.visit_rows: list[dict[str, Any]] = []
        self.visit_child_rows: list[dict[str, Any]] = []
        acked = [it.record_id for it in items if it.kind == RecordKind.ACKNOWLEDGEMENT]
        acked += [q.concern_id for q in concerns]
        acked += [q.concern_id for v in visits for q in v.concerns_received]
        self.concerns: dict[UUID, ConcernRow] = queries.concerns(session, org, acked)
        self.restrictions: dict[UUID, list[ContactRestriction]] = {}
        self._load_restrictions(visits)
        self.rechecked: list[Visit] = []
        self.touched: set[UUID] = set()
        self.care = CareBook(session, org, visits if oversight else [])

    def flush(self) -> None:
        queries.write_seen(self.s, self.children.values())
        queries.write_accepted(
            self.s,
            revisions=self.revision_rows,
            visits=self.visit_rows,
            visit_children=self.visit_child_rows,
        )
        if not self.oversight:  # `seen bench` only: the push as it was without the checks
            self.log.flush()
            self.audit.flush()
            return
        cared_for = self.care.flush(self.log, self.audit, self.children)  # people, links found
        # The central record raises and clears flags itself, from the record as it now stands:
        # the children of these visits, and every child linked to an adult recorded at them.
        # Queued here, checked just after the receipts (oversight.pending).
        org = self.actor.org_id
        write_contacts(self.s, org, self.rechecked)
        self.s.flush()
        touched = (
            self.touched | cared_for | {o.child_id for v in self.rechecked for o in v.children}
        )
        linked = children_of_adults(self.s, org, self.rechecked) - touched
        queue_checks(self.s, org, full=touched, adults_only=linked, now=self.now)
        self.log.flush()
        self.audit.flush()

    # --- one item ---------------------------------------------------------------------------
    def handle(self, item: PushItem, parsed: Parsed | Held) -> Receipt:
        key = (item.record_id, item.revision)
        kept = self.held.get((item.record_id, item.revision, item.content_hash))
        if kept is not None:  # the same held item again: the same receipt
            return held_receipt(kept)
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
        self.accepted[key] = Accepted(
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
        if self.held_today >= self.held_per_day:  # refused, not stored: the device keeps it
            full = quarantine_full(self.held_per_day)
            self.audit.add(f"push.{item.kind}.refused", record_id=item.record_id, outcome=full.code)
            return Receipt(
                record_id=item.record_id,
                revision=item.revision,
                status=full.status,
                code=full.code,
                problems=[*full.problems, *why.problems],
            )
        self.held_today += 1
        self.held_of[item.record_id] = count = self.held_of.get(item.record_id, 0) + 1
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
            device_id=self.actor.device_id,
            held_count=count,
        )
        draft = ChangeDraft(  # one row per device and record: the latest held item, and a count
            ChangeKind.QUARANTINE,
            quarantine_summary_id(self.device_id, item.record_id),
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
            device_id=self.device_id,
            received_at=self.now,
            server_seq=server_seq,
        )
        self.s.add(row)
        self.held[(item.record_id, item.revision, item.content_hash)] = row
        self.audit.add(f"push.{item.kind}.{why.status}", record_id=item.record_id, outcome=why.code)
        return held_receipt(row)


def push_items(
    *,
    db: Database,
    actor: Actor,
    items: Sequence[PushItem | OutboxItem],
    now: datetime,
    future_allowance: timedelta = protocol.FUTURE_ALLOWANCE,
    held_per_day: int = HELD_PER_DEVICE_PER_DAY,
    oversight: bool = True,
    then_check: bool = True,
) -> PushResponse:
    """Handle one push in one transaction; the receipts are returned only after it commits.
    OutboxItems (from callers in-process) are taken as PushItems sending their body as JSON.

    `oversight=False` is for `seen bench` alone, to measure what the central record's own checks
    add to a push (care found, contacts and sightings, due dates from plans, flags): the server
    never passes it, and a record pushed so is missing them.

    The flags of the children the push touched are checked after the commit (oversight.pending):
    here, unless `then_check=False`, where the caller drains once the receipts are on their way
    (the push route, in a background task)."""
    wire = [i if isinstance(i, PushItem) else PushItem(**i.model_dump()) for i in items]
    parsed = [  # no database needed: outside the lock
        parse_item(item, actor, now=now, future_allowance=future_allowance) for item in wire
    ]
    with db.write() as s:
        batch = _Batch(
            s,
            actor,
            now,
            wire,
            parsed,
            future_allowance=future_allowance,
            held_per_day=held_per_day,
            oversight=oversight,
        )
        receipts = [
            batch.handle(item, parsed) for item, parsed in zip(wire, batch.parsed, strict=True)
        ]
        batch.flush()
    if then_check and oversight:
        drain(db, actor.org_id, now=now)
    seqs = [r.server_seq for r in receipts if r.server_seq is not None]
    return PushResponse(receipts=receipts, max_server_seq=max(seqs, default=0))
