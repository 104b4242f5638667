"""The central record acts: it raises, clears and reopens flags itself (models.oversight), just
after the push that causes them (oversight.pending), when a person's change does (`recheck`, in
that transaction) and in a periodic sweep (`run_checks`, `seen admin run-checks`), and people
see, acknowledge and close them. `find` reads and judges, `bring_in_line` applies.

    facts     read the children's facts, one query per kind of row
    contacts  a visit's contacts and sightings, written at push
    flags     apply life-cycle steps to flag rows, history and the change feed
    queue     the children a push left to be checked
    pending   the checks just after a push: read without the lock, applied under it
    sweep     every child of an organisation, safe to run twice or from two hosts at once
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.oversight import ADULT_KINDS, ChildRecord, Condition, child_conditions, reconcile
from models.oversight.settings import OrgSettings, settings_from_dict
from sync import protocol
from sync.server.services.common import AuditLog, ChildLike, OrgLog, Refusal
from sync.server.services.oversight.contacts import write_contacts
from sync.server.services.oversight.facts import child_records, children_of_adults
from sync.server.services.oversight.flags import apply_steps, flag_states
from sync.server.services.oversight.queue import ask_again
from sync.server.tables import ChildRow, OrganisationRow, table_of

__all__ = [
    "Found",
    "bring_in_line",
    "children_of_adults",
    "find",
    "org_settings",
    "recheck",
    "settings_or_defaults",
    "write_contacts",
]

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


def settings_or_defaults(s: Session, org_id: str) -> OrgSettings:
    """The organisation's settings; a check is never stopped by unreadable ones: the defaults,
    and said in the log."""
    try:
        return org_settings(s, org_id)
    except Refusal:
        logger.warning("oversight: organisation settings unreadable, defaults used")
        return OrgSettings()


@dataclass(frozen=True)
class Found:
    """What the rules find in some children's facts as read: their records and conditions."""

    records: dict[UUID, ChildRecord]
    conditions: list[Condition]
    adults_only: bool


def find(
    s: Session, *, org_id: str, child_ids: Collection[UUID], now: datetime,
    settings: OrgSettings, adults_only: bool = False,
) -> Found:  # fmt: skip
    """Read these children's facts and run the rules over them; writes nothing, so it needs no
    lock (a drain runs it before taking one: oversight.pending)."""
    records = child_records(s, org_id, child_ids) if child_ids else {}
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
    return Found(records, found, adults_only)


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
    settings = settings or settings_or_defaults(s, org_id)
    found = find(
        s, org_id=org_id, child_ids=child_ids, now=now, settings=settings,
        adults_only=adults_only,
    )  # fmt: skip
    # A drain that read these children's facts before this transaction must not apply them now.
    ask_again(s, org_id, found.records)
    return bring_in_line(s, org_id=org_id, found=found, now=now, log=log, audit=audit,
                         children=children)  # fmt: skip


def bring_in_line(
    s: Session, *, org_id: str, found: Found, now: datetime, log: OrgLog,
    audit: AuditLog | None = None, children: Mapping[UUID, ChildLike] | None = None,
) -> int:  # fmt: skip
    """Raise, clear and reopen the flags of `found`'s children to match its conditions, against
    their flags as they stand now, in the caller's transaction (which holds `log`, the org's
    lock). The number of flags that changed."""
    records = found.records
    flags = flag_states(s, org_id, records, ADULT_KINDS if found.adults_only else None)
    steps = reconcile(flags, found.conditions, records)
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
