"""The checks a push leaves for just after its receipts: the push queues the children its records
touched (oversight.queue, in its own transaction, so a stop loses none), and `drain` brings
their flags in line in transactions of its own. A device waits for its receipts, not for the
rules; the flags follow within moments. The sweep clears the queue, since it rechecks every
child.

A drain reads the queue and the children's facts, and runs the rules, without the organisation's
lock, so pushes go on meanwhile; then, holding the lock (OrgLog), it applies what it found for
each child whose queued row is as it read it. A child asked for again meanwhile (a push that
committed, a person's change that rechecked it) is checked again there and then, under the lock;
one another drain already did is left alone. So any number of drains, in any number of
processes, raise each flag once and never apply facts older than a flag already reflects.

In one process, one drain per organisation runs at a time: a push that finishes while one runs
leaves its children to it (drain_quietly).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from sync.server.db import Database
from sync.server.services.common import AuditLog, OrgLog
from sync.server.services.oversight import (
    Found,
    bring_in_line,
    find,
    recheck,
    settings_or_defaults,
)
from sync.server.services.oversight.queue import BATCH
from sync.server.tables import PendingCheckRow, table_of

__all__ = ["drain", "drain_quietly"]

logger = logging.getLogger(__name__)

ROUNDS = 200  # at most this many transactions per drain: bounded, the rest for the next one

_pending = table_of(PendingCheckRow)


def _queued(s: Any, org_id: str, ids: list[UUID] | None = None) -> dict[UUID, tuple[bool, int]]:
    """The oldest queued children (or these ones): whether adults only, and times wanted."""
    query = sa.select(_pending.c.child_id, _pending.c.adults_only, _pending.c.wanted).where(
        _pending.c.org_id == org_id
    )
    if ids is None:
        query = query.order_by(_pending.c.queued_at, _pending.c.child_id).limit(BATCH)
    else:
        query = query.where(_pending.c.child_id.in_(ids))
    return {r.child_id: (r.adults_only, r.wanted) for r in s.execute(query)}


def drain(db: Database, org_id: str, *, now: datetime) -> int:
    """Recheck the organisation's queued children, oldest first; the number of flags changed."""
    changed = 0
    for _ in range(ROUNDS):
        with db.read() as s:  # no lock: pushes go on while the facts are read and judged
            read = _queued(s, org_id)
            if not read:
                return changed
            settings = settings_or_defaults(s, org_id)
            found = []
            for adults_only in (False, True):
                ids = [c for c, (a, _) in read.items() if a is adults_only]
                found.append(
                    find(s, org_id=org_id, child_ids=ids, now=now, settings=settings,
                         adults_only=adults_only)
                )  # fmt: skip
        with db.write() as s:
            log = OrgLog(s, org_id)  # the lock, before the queue is read again
            audit = AuditLog(s, now)  # the central record itself: no person, no device
            still = _queued(s, org_id, sorted(read))  # a child gone: another drain did it
            for f in found:
                same = {c: r for c, r in f.records.items() if still.get(c) == read[c]}
                kept = Found(same, [x for x in f.conditions if x.child_id in same], f.adults_only)
                changed += bring_in_line(
                    s, org_id=org_id, found=kept, now=now, log=log, audit=audit
                )
            for adults_only in (False, True):  # asked for again meanwhile: checked now
                ids = [c for c, r in still.items() if r != read[c] and r[0] is adults_only]
                changed += recheck(
                    s, org_id=org_id, child_ids=ids, now=now, log=log, audit=audit,
                    settings=settings, adults_only=adults_only,
                )  # fmt: skip
            s.execute(
                sa.delete(_pending).where(
                    _pending.c.org_id == org_id, _pending.c.child_id.in_(sorted(still))
                )
            )
            log.flush()
            audit.flush()
    return changed


_running: dict[tuple[int, str], datetime | None] = {}  # (database, org): a later push's moment
_guard = threading.Lock()


def drain_quietly(db: Database, org_id: str, *, now: datetime) -> None:
    """`drain` after a push's receipts have gone: a failure leaves the queue for the next drain
    or the sweep, and is logged without anything about the children. While one runs for this
    organisation in this process, another push's drain is left to it: it drains again, once,
    for all of them."""
    key = (id(db), org_id)
    with _guard:
        if key in _running:
            _running[key] = now
            return
        _running[key] = None
    try:
        while True:
            drain(db, org_id, now=now)
            with _guard:
                later = _running[key]
                if later is None:
                    del _running[key]
                    return
                _running[key], now = None, later
    except Exception as exc:  # the receipts are sent; the queue keeps the work
        with _guard:
            _running.pop(key, None)
        logger.warning("oversight: pending checks left for the next run (%s)", type(exc).__name__)
