"""The central record acts: it raises, clears and reopens flags itself (models.oversight), on
the push that causes them (`recheck`, in the push's transaction) and in a periodic sweep
(`run_checks`, `seen admin run-checks`), and people see, acknowledge and close them.

    facts     read the children's facts, one query per kind of row
    contacts  a visit's contacts and sightings, written at push
    flags     apply life-cycle steps to flag rows, history and the change feed
    sweep     every child of an organisation, safe to run twice or from two hosts at once
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.oversight import ADULT_KINDS, child_conditions, reconcile
from models.oversight.settings import OrgSettings, settings_from_dict
from sync import protocol
from sync.server.services.common import AuditLog, ChildLike, OrgLog, Refusal
from sync.server.services.oversight.contacts import write_contacts
from sync.server.services.oversight.facts import child_records, children_of_adults
from sync.server.services.oversight.flags import apply_steps, flag_states
from sync.server.tables import ChildRow, OrganisationRow, table_of

__all__ = ["children_of_adults", "org_settings", "recheck", "write_contacts"]

logger = logging.getLogger(__name__)


_SETTINGS: dict[str, OrgSettings] = {}  # by the settings' JSON: parsed, with their calendar, once


def org_settings(s: Session, org: str) -> OrgSettings:
    """The organisation's timescales, closures and limits (the defaults where it sets none)."""
    row = s.get(OrganisationRow, org)
    data = row.settings if row is not None else None
    key = json.dumps(data, sort_keys=True)
    try:
        if key not in _SETTINGS:
            if len(_SETTINGS) > 64:
                _SETTINGS.clear()
            _SETTINGS[key] = settings_from_dict(data)
        return _SETTINGS[key]
    except ValueError:
        raise Refusal(
            protocol.PLAN_REFUSED,
            "Your organisation's timescale settings cannot be read: ask an administrator to "
            "correct them. Nothing was changed.",
        ) from None


def recheck(
    s: Session,
    *,
    org_id: str,
    child_ids: Collection[UUID],
    now: datetime,
    log: OrgLog,
    audit: AuditLog | None = None,
    children: Mapping[UUID, ChildLike] | None = None,
    settings: OrgSettings | None = None,
    adults_only: bool = False,
) -> int:
    """Bring these children's flags in line with their facts as the record holds them now, in
    the caller's transaction (which holds the organisation's change log: `log`). Returns the
    number of flags that changed. `children` may pass rows already read (a push has them).
    `adults_only`: only the flags of ADULT_KINDS (a push's linked children: nothing else of
    theirs changed; time's effects on the rest are the sweep's)."""
    if not child_ids:
        return 0
    if settings is None:
        try:
            settings = org_settings(s, org_id)
        except Refusal:  # a push is never refused for it: the defaults, and said in the log
            logger.warning("oversight: organisation settings unreadable, defaults used")
            settings = OrgSettings()
    records = child_records(s, org_id, child_ids)
    found = [
        c
        for record in records.values()
        for c in child_conditions(
            record,
            rules=settings.rules,
            calendar=settings.calendar,
            limits=settings.limits,
            now=now,
            adults_only=adults_only,
        )
    ]
    flags = flag_states(s, org_id, records, ADULT_KINDS if adults_only else None)
    steps = reconcile(flags, found, records)
    if not steps:
        return 0
    holders: dict[UUID, ChildLike] = dict(children or {})
    missing = sorted(c for c in records if c not in holders)
    child_table = table_of(ChildRow)
    for i in range(0, len(missing), 500):  # one query per 500 children, not one each
        part = missing[i : i + 500]
        for row in s.execute(
            sa.select(child_table).where(
                child_table.c.org_id == org_id, child_table.c.child_id.in_(part)
            )
        ):
            holders[row.child_id] = row
    log.add(apply_steps(s, org_id, steps, flags, holders, now))
    if audit is not None:
        for step in steps:
            child = step.condition.child_id if step.condition else flags[step.flag_id].child_id
            audit.add(f"flag.{step.action}", record_id=step.flag_id, child_id=child, org_id=org_id)
    return len(steps)
