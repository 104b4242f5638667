"""The queue of children whose flags are to be rechecked (pending_check): a push adds the
children its records touched, in its own transaction; a drain (oversight.pending) or the sweep
empties it. Each row counts the times its check was asked for (`wanted`), so a drain that read
a child's facts without the lock can tell whether anything asked again meanwhile."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from sync.server.tables import PendingCheckRow, table_of

__all__ = ["BATCH", "ask_again", "clear_pending", "queue_checks"]

BATCH = 500  # children per query, and per drain transaction

_pending = table_of(PendingCheckRow)


def queue_checks(
    s: Session, org_id: str, *, full: Collection[UUID], adults_only: Collection[UUID],
    now: datetime,
) -> None:  # fmt: skip
    """Queue these children, in the caller's transaction (which holds the org lock). A full
    recheck outranks an adults-only one already queued; a child queued twice is checked once,
    with what the record holds once the second asker has committed."""
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
        {"org_id": org_id, "child_id": c, "adults_only": a, "queued_at": now, "wanted": 1}
        for c, a in wanted.items()
        if c not in queued
    ]
    if new:
        s.execute(sa.insert(_pending), new)
    ask_again(s, org_id, [c for c in wanted if c in queued])
    widen = sorted(c for c, a in wanted.items() if not a and queued.get(c))
    for i in range(0, len(widen), BATCH):
        s.execute(
            sa.update(_pending)
            .where(_pending.c.org_id == org_id, _pending.c.child_id.in_(widen[i : i + BATCH]))
            .values(adults_only=False)
        )


def ask_again(s: Session, org_id: str, child_ids: Collection[UUID]) -> None:
    """These children's flags are being brought in line now, in the caller's transaction: a
    drain that read their facts before it must not apply what it found (see `wanted`)."""
    ids = sorted(child_ids)
    for i in range(0, len(ids), BATCH):
        s.execute(
            sa.update(_pending)
            .where(_pending.c.org_id == org_id, _pending.c.child_id.in_(ids[i : i + BATCH]))
            .values(wanted=_pending.c.wanted + 1)
        )


def clear_pending(s: Session, org_id: str) -> None:
    """The sweep's: every child is about to be rechecked, in this transaction."""
    s.execute(sa.delete(_pending).where(_pending.c.org_id == org_id))
