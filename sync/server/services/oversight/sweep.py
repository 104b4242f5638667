"""The periodic sweep: every child of an organisation rechecked as of a moment (`seen admin
run-checks`, from cron or a timer), so a flag raised by the passing of time (a visit now overdue,
a concern past its limit) is raised without waiting for a push.

Safe to run twice, or from two hosts at once: each organisation is swept in one transaction that
first takes the organisation's change-log lock (OrgLog), so two sweeps of one organisation run
one after the other, and the second finds the flags already in line (reconcile is idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from sync.server.db import Database
from sync.server.services.common import AuditLog, OrgLog
from sync.server.services.oversight import org_settings, recheck
from sync.server.services.oversight.queue import clear_pending
from sync.server.tables import ChildRow, OrganisationRow, table_of

__all__ = ["SweepResult", "run_checks"]

_BATCH = 1000  # children per recheck: bounded memory for any organisation


@dataclass(frozen=True)
class SweepResult:
    org_id: str
    children: int
    changed: int  # flags raised, cleared, reopened or changed in urgency


def run_checks(*, db: Database, now: datetime, org_id: str | None = None) -> list[SweepResult]:
    """Sweep one organisation, or every one; as of `now` (a past date replays that day)."""
    with db.read() as s:
        orgs = list(
            s.execute(sa.select(table_of(OrganisationRow).c.org_id).order_by("org_id")).scalars()
        )
    if org_id is not None:
        orgs = [o for o in orgs if o == org_id]
    results = []
    for org in orgs:
        with db.write() as s:
            log = OrgLog(s, org)  # the lock, first thing
            audit = AuditLog(s, now)  # the central record itself: no person, no device
            settings = org_settings(s, org)
            clear_pending(s, org)  # every child is rechecked below, in this transaction
            child = table_of(ChildRow)
            ids = list(
                s.execute(
                    sa.select(child.c.child_id).where(child.c.org_id == org).order_by("child_id")
                ).scalars()
            )
            changed = 0
            for i in range(0, len(ids), _BATCH):
                changed += recheck(
                    s, org_id=org, child_ids=ids[i : i + _BATCH], now=now, log=log,
                    audit=audit, settings=settings,
                )  # fmt: skip
            table = table_of(OrganisationRow)
            s.execute(sa.update(table).where(table.c.org_id == org).values(swept_at=now))
            log.flush()
            audit.flush()
        results.append(SweepResult(org, len(ids), changed))
    return results
