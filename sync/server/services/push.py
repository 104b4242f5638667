"""Push: store each item in the same transaction as its dedupe check; receipts after commit.

Per item, in request order:
  same (record_id, revision) already accepted, same hash   -> duplicate: the original receipt
  same (record_id, revision) already accepted, other hash  -> conflict (held for a person)
  an amendment/acknowledgement of a stale or missing base  -> conflict (held)
  fails parsing, its hash, identity, device, date, scope   -> rejected (held, with the messages)
  or the rules
  otherwise                                                -> accepted, with its effects:
      a visit revision, last-seen dates, flags for the manager, concerns for the allocated worker.
Held items (conflict/rejected) go to `quarantine`, and one summary row per device and record to
the practitioner's and team's change feed; the same held item sent again gets the same receipt.
Beyond `held_per_day` held items from one device, an item is refused (sync.quarantine_full),
audited but not stored: the device keeps it. Nothing a device sent is dropped.

Every lookup is the caller's organisation's: another organisation's record id is a new id here.
An amendment passes the same identity (models.lifecycle) and scope checks as a first revision,
on the visit it results in.

What needs no database (the record, its hash, identity, the rules: intake.py) is checked before
the org lock is taken; then one transaction: the lock, one dedupe lookup for the whole batch,
the effects, and every row written in bulk (insert_rows) before the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, select

from models.amendment import Amendment
from models.concern import ConcernReceived
from models.ids import new_id
from models.receipt import OutboxItem, Receipt, ReceiptStatus, RecordKind
from models.visit import Visit
from sync import protocol
from sync.protocol import ChangeKind, PushItem, PushResponse, QuarantineData
from sync.server.db import Database, insert_rows
from sync.server.services.common import Actor, AuditLog, ChangeDraft, OrgLog
from sync.server.services.intake import (
    Held,
    Parsed,
    as_received,
    held,
    parse_item,
)
from sync.server.services.push_plan import Planner
from sync.server.services.push_rules import (
    HELD_QUOTA_WINDOW,
    Accepted,
    ChildState,
    Latest,
    held_receipt,
    quarantine_full,
    quarantine_summary_id,
)
from sync.server.settings import HELD_PER_DEVICE_PER_DAY
from sync.server.tables import (
    ChildRow,
    ConcernRow,
    QuarantineRow,
    RecordRevisionRow,
    RestrictionRow,
    VisitChildRow,
    VisitRevisionRow,
    table_of,
)

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
    ):
        self.s = session
        session.autoflush = False  # writes go out in bulk at the end
        self.actor = actor
        self.now = now
        self.future_allowance = future_allowance
        self.latest_allowed = now + future_allowance
        self.held_per_day = held_per_day
        org = actor.org_id
        self.log = OrgLog(session, org)  # the org lock, first thing
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
                ).where(rr.org_id == org, rr.record_id.in_(record_ids))
            )
        }  # fmt: skip
        q = table_of(QuarantineRow).c
        self.held: dict[tuple[UUID, int, str], Any] = {}  # rows: the receipt, never the body
        self.held_of: dict[UUID, int] = {}  # this device's held items, by record
        for h in session.execute(
            sa.select(
                q.receipt_id, q.record_id, q.revision, q.content_hash, q.status, q.code,
                q.problems, q.server_seq, q.received_at, q.device_id,
            ).where(q.org_id == org, q.record_id.in_(record_ids))
        ):  # fmt: skip
            self.held[(h.record_id, h.revision, h.content_hash)] = h
            if h.device_id == actor.device_id:
                self.held_of[h.record_id] = self.held_of.get(h.record_id, 0) + 1
        self.held_today: int = session.execute(
            sa.select(sa.func.count())
            .select_from(table_of(QuarantineRow))
            .where(q.device_id == actor.device_id, q.received_at > now - HELD_QUOTA_WINDOW)
        ).scalar_one()
        records = [p.record for p in parsed if isinstance(p, Parsed)]
        visits = [r for r in records if isinstance(r, Visit)]
        concerns = [r for r in records if isinstance(r, ConcernReceived)]
        child_ids = {o.child_id for v in visits for o in v.children}
        child_ids |= {c for v in visits for q in v.concerns_received for c in q.children_concerned}
        child_ids |= {c for q in concerns for c in q.children_concerned}
        self.children: dict[UUID, ChildState] = {}  # this organisation's children only
        self._load_children(child_ids)
        amended = [r.amends_visit_id for r in records if isinstance(r, Amendment)]
        self.latest: dict[UUID, Latest] = {}
        if amended:
            vr = table_of(VisitRevisionRow).c
            for v in session.execute(
                sa.select(vr.visit_id, vr.revision, vr.body).where(
                    vr.org_id == org, vr.visit_id.in_(amended)
                )
            ):
                if v.visit_id not in self.latest or v.revision > self.latest[v.visit_id].revision:
                    self.latest[v.visit_id] = Latest(v.revision, body=v.body)
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
                for c in session.exec(
                    select(ConcernRow).where(
                        ConcernRow.org_id == org,
                        ConcernRow.concern_id.in_(acked),  # type: ignore[attr-defined]
                    )
                )
            }
        self.restrictions: dict[UUID, list[RestrictionRow]] = {}
        self._load_restrictions(visits)

    def flush(self) -> None:
        changed = [
            {f"b_{name}": getattr(child, name) for name in _SEEN_COLUMNS}
            for child in self.children.values()
            if child.changed
        ]
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
            quarantine_summary_id(self.actor.device_id, item.record_id),
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
        return held_receipt(row)


_CHILD = table_of(ChildRow)
_SEEN_COLUMNS = (*ChildState.COLUMNS[4:], "child_id")
_UPDATE_SEEN = (
    sa.update(_CHILD)
    .where(_CHILD.c.child_id == sa.bindparam("b_child_id"))
    .values({name: sa.bindparam(f"b_{name}") for name in _SEEN_COLUMNS[:-1]})
)


def push_items(
    *,
    db: Database,
    actor: Actor,
    items: Sequence[PushItem | OutboxItem],
    now: datetime,
    future_allowance: timedelta = protocol.FUTURE_ALLOWANCE,
    held_per_day: int = HELD_PER_DEVICE_PER_DAY,
) -> PushResponse:
    """Handle one push in one transaction; the receipts are returned only after it commits.
    OutboxItems (from callers in-process) are taken as PushItems sending their body as JSON."""
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
        )
        receipts = [
            batch.handle(item, parsed) for item, parsed in zip(wire, batch.parsed, strict=True)
        ]
        batch.flush()
    seqs = [r.server_seq for r in receipts if r.server_seq is not None]
    return PushResponse(receipts=receipts, max_server_seq=max(seqs, default=0))
