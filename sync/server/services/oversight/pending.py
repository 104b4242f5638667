"""The checks a push leaves for just after its receipts: the push queues the children its records
touched (pending_check, in its own transaction, so a stop loses none), and `drain` brings their
flags in line in transactions of its own. A device waits for its receipts, not for the rules;
the flags follow within moments. The sweep clears the queue, since it rechecks every child.

Safe from any number of processes: each drain takes the organisation's change-log lock (OrgLog)
before reading the queue, so two drains run one after the other and the second finds it empty.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from sync.server.db import Database
from sync.server.services.common import AuditLog, OrgLog
from sync.server.services.oversight import recheck
from sync.server.tables import PendingCheckRow, table_of

__all__ = ["clear_pending", "drain", "drain_quietly", "queue_checks"]

logger = logging.getLogger(__name__)

BATCH = 500  # children per drain transaction
ROUNDS = 200  # at most this many transactions per drain: bounded, the rest for the next one

_pending = table_of(PendingCheckRow)


def queue_checks(
    s: Session, org_id: str, *, full: Collection[UUID], adults_only: Collection[UUID],
    now: datetime,
) -> None:  # fmt: skip
    """Queue these children, in the caller's transaction (which holds the org lock). A full
    recheck outranks an adults-only one already queued; a child queued twice is checked once."""
    wanted = {c: False for c in full} | {c: True for c in adults_only if c not in full}
    if not wanted:
        return
    ids = sorted(wanted)
    queued: dict[UUID, bool] = {}
    for i in range(0, len(ids), BATCH):
        part = ids[i : i + BATCH]
        where = sa.and_(_pending.c.org_id == org_id, _pending.c.child_id.in_(part))
        query = sa.select(_pending.c.child_id, _pending.c.adults_only).where(where)
        queued |= {r.child_id: r.adults_only for r in s.execute(query)}
    new = [
        {"org_id": org_id, "child_id": c, "adults_only": a, "queued_at": now}
        for c, a in wanted.items()
        if c not in queued
    ]
    if new:
        s.execute(sa.insert(_pending), new)
    widen = sorted(c for c, a in wanted.items() if not a and queued.get(c))
    if widen:
        s.execute(
            sa.update(_pending)
            .where(_pending.c.org_id == org_id, _pending.c.child_id.in_(widen))
            .values(adults_only=False)
        )


def clear_pending(s: Session, org_id: str) -> None:
    """The sweep's: every child is about to be rechecked, in this transaction."""
    s.execute(sa.delete(_pending).where(_pending.c.org_id == org_id))


def drain(db: Database, org_id: str, *, now: datetime) -> int:
    """Recheck the organisation's queued children, oldest first; the number of flags changed."""
    changed = 0
    for _ in range(ROUNDS):
        with db.read() as s:  # most drains find nothing: no lock taken for that
            query = sa.select(_pending.c.child_id).where(_pending.c.org_id == org_id).limit(1)
            if s.execute(query).first() is None:
                return changed
        with db.write() as s:
            log = OrgLog(s, org_id)  # the lock, before the queue is read
            audit = AuditLog(s, now)  # the central record itself: no person, no device
            rows = s.execute(
                sa.select(_pending.c.child_id, _pending.c.adults_only)
                .where(_pending.c.org_id == org_id)
                .order_by(_pending.c.queued_at, _pending.c.child_id)
                .limit(BATCH)
            ).all()
            for adults_only in (False, True):
                ids = [r.child_id for r in rows if r.adults_only is adults_only]
                changed += recheck(
                    s, org_id=org_id, child_ids=ids, now=now, log=log, audit=audit,
                    adults_only=adults_only,
                )  # fmt: skip
            s.execute(
                sa.delete(_pending).where(
                    _pending.c.org_id == org_id,
                    _pending.c.child_id.in_([r.child_id for r in rows]),
                )
            )
            log.flush()
            audit.flush()
    return changed


def drain_quietly(db: Database, org_id: str, *, now: datetime) -> None:
    """`drain` after a push's receipts have gone: a failure leaves the queue for the next drain
    or the sweep, and is logged without anything about the children."""
    try:
        drain(db, org_id, now=now)
    except Exception as exc:  # the receipts are sent; the queue keeps the work
        logger.warning("oversight: pending checks left for the next run (%s)", type(exc).__name__)
