"""The flags the central record raised, as the device holds them: caseload rows of kind "flag"
(sync.protocol.FlagData), sealed like every caseload row. A cleared or closed flag arrives as a
tombstone and the caseload workflow deletes its row; a de-allocated child's flags go with it.

Reads (inside `with uow`):
    open_flags      every open flag on the device, by child, most urgent first
"""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from mobile.services.shapes import ReceivedFlag
from mobile.store.shapes import Listing
from mobile.store.unit_of_work import UnitOfWork
from models.oversight import ActBy, FlagStatus, Urgency
from sync.protocol import ChangeKind, FlagData

__all__ = ["most_urgent_first", "open_flags", "received"]


def received(data: FlagData) -> ReceivedFlag:
    return ReceivedFlag(
        kind=data.flag,
        urgency=_urgency(data.urgency),
        since=data.since,
        why=data.why,
        clears=data.clears,
        act_by=ActBy(data.act_by) if data.act_by in set(ActBy) else ActBy.MANAGER,
        due=data.due,
        visit_id=data.visit_id,
    )


def _urgency(value: str) -> Urgency:
    # A word this app does not know yet (a newer central record): shown as high, never hidden.
    return Urgency(value) if value in set(Urgency) else Urgency.HIGH


def most_urgent_first(flags: list[ReceivedFlag]) -> list[ReceivedFlag]:
    """Most urgent first; within an urgency, the longest standing first."""
    return sorted(flags, key=lambda f: (-f.urgency.rank, f.since, f.kind.value))


def open_flags(uow: UnitOfWork) -> tuple[dict[UUID, list[ReceivedFlag]], Listing[FlagData]]:
    """Each child's open flags, most urgent first, and the rows as read (with their problems)."""
    listing = uow.caseload.rows(ChangeKind.FLAG.value, FlagData)
    by_child: defaultdict[UUID, list[ReceivedFlag]] = defaultdict(list)
    for data in listing:
        if data.status == FlagStatus.OPEN:
            by_child[data.child_id].append(received(data))
    return {child: most_urgent_first(flags) for child, flags in by_child.items()}, listing
