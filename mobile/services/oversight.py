"""The device's offline estimate of each child's flags: the same pure rule the central record
runs (models.oversight.gather, then child_conditions), over what this device holds.

What the device holds is less than the central record does, so the estimate can only be as
good as that: its caseload's children (with their links), restrictions and concerns as last
downloaded, and the visits recorded here (latest submitted revisions; drafts are not facts yet).
It does not hold other practitioners' visits, the plan's own rule and households, or decisions.
It uses the organisation's own timescales, closures and limits as they last arrived
(mobile.services.org_settings), the defaults until then. The
central record's flags are the authority; this is what the practitioner sees with no signal.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from mobile.services.org_settings import device_settings
from mobile.store.unit_of_work import UnitOfWork
from models.caseload import Child, ContactRestriction
from models.concern import ConcernReceived
from models.oversight import Condition, child_conditions, gather
from models.oversight.settings import OrgSettings

__all__ = ["offline_conditions"]


def offline_conditions(
    uow: UnitOfWork, *, now: datetime, settings: OrgSettings | None = None
) -> dict[UUID, list[Condition]]:
    """The conditions standing at `now` on every child this device holds, by child (a child
    with none maps to []). A read: call it inside the caller's `with uow:`."""
    settings = device_settings(uow) if settings is None else settings
    records = gather(
        children=uow.caseload.rows("child", Child),
        visits=uow.visits.heads(),
        restrictions=uow.caseload.rows("restriction", ContactRestriction),
        concerns=uow.caseload.rows("concern", ConcernReceived),
    )
    return {
        child_id: child_conditions(
            record,
            rules=settings.rules,
            calendar=settings.calendar,
            limits=settings.limits,
            now=now,
        )
        for child_id, record in records.items()
    }
