"""The team dashboard's reads: open flags by urgency and age, who on the team is overdue and by how
much, concerns awaiting acknowledgement, visits waiting for review, and devices gone quiet with
what they said they hold. Scope by console/scope.py; every child shown is audited (the flags by
console/flags.py, the rest here) in the transaction that reads them.

Overdue comes from the plans' timescales (services/oversight/plans.statuses, over
models.oversight.timescale.plan_status): nothing here counts a due date itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, select

from models.flags import FlagKind
from models.oversight import Urgency, local_day
from models.oversight.conditions import days_words
from models.oversight.settings import OrgSettings
from models.timescales.calendar import WorkingCalendar
from sync.server.console.flags import FlagLine, open_flags
from sync.server.console.scope import audit_shown, scope_of
from sync.server.console.sessions import Staff
from sync.server.db import Database
from sync.server.services.common import Refusal
from sync.server.services.oversight import org_settings
from sync.server.services.oversight.plans import statuses
from sync.server.tables import (
    ChildRow,
    ConcernChildRow,
    ConcernRow,
    DeviceRow,
    EscalationRow,
    OrganisationRow,
    PractitionerRow,
    QuarantineRow,
    RecordReviewRow,
    table_of,
)

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "ESCALATION_WINDOW",
    "Dashboard",
    "age_words",
    "dashboard",
    "quiet_after",
]

DEFAULT_QUIET_HOURS = (
    24  # a device silent this long is shown (org setting console.device_quiet_hours)
)
MAX_QUIET_HOURS = 24 * 14
ESCALATION_WINDOW = timedelta(days=7)  # escalations this recent wait for a manager's look
AGE_BANDS = ("Under a day", "1 to 5 working days", "Over 5 working days")
NOT_SEEN = frozenset({FlagKind.CHILD_NOT_SEEN, FlagKind.NOT_SEEN_OVERDUE})

_CHILD, _PRACTITIONER, _DEVICE = table_of(ChildRow), table_of(PractitionerRow), table_of(DeviceRow)


# --- What the page shows -------------------------------------------------------------------------
@dataclass(frozen=True)
class AgedFlag:
    flag: FlagLine
    age: str  # "5 hours", "3 working days"
    band: int  # index into AGE_BANDS


@dataclass(frozen=True)
class OverdueLine:
    worker: str
    child_id: UUID
    child_name: str
    what: str
    due: Any  # date
    by: str  # "4 working days"
    days: int


@dataclass(frozen=True)
class ConcernLine:
    concern_id: UUID
    children: list[tuple[UUID, str]]
    received_at: datetime
    waiting: str
    past_limit: bool


@dataclass(frozen=True)
class ReviewLine:
    what: str
    child_id: UUID | None
    child_name: str
    worker: str
    at: datetime


@dataclass(frozen=True)
class QuietDevice:
    worker: str
    label: str
    last_contact: datetime | None  # None: never since it was enrolled
    silent_for: str
    held: int | None  # None: it has never reported
    oldest_age: str  # "" when it holds nothing or never said


@dataclass(frozen=True)
class Dashboard:
    not_seen: list[AgedFlag]  # the children not seen (the review's first lesson), at the top
    flags: list[AgedFlag]
    counts: list[tuple[str, list[int], int]]  # (urgency, per band, all)
    overdue: list[OverdueLine]
    overdue_problem: str
    concerns: list[ConcernLine]
    review: list[ReviewLine]
    devices: list[QuietDevice]
    quiet_hours: int


# --- Words for an age ----------------------------------------------------------------------------
def age_words(since: datetime, now: datetime, calendar: WorkingCalendar) -> tuple[str, int]:
    """Hours under a day (or while no working day has passed), else working days; and its band."""
    hours = max(0, int((now - since).total_seconds() // 3600))
    days = calendar.working_days_between(local_day(since), local_day(now))
    if hours < 24 or days == 0:
        text = "under an hour" if hours == 0 else f"{hours} hour{'' if hours == 1 else 's'}"
        return text, 0
    return f"{days} working day{'' if days == 1 else 's'}", 1 if days <= 5 else 2


def quiet_after(org: OrganisationRow | None) -> int:
    """Hours without a sync before a device is shown: the organisation's setting, or 24."""
    console: Any = ((org.settings or {}) if org else {}).get("console") or {}
    value = console.get("device_quiet_hours") if isinstance(console, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUIET_HOURS:
        return DEFAULT_QUIET_HOURS
    return value


def _name(data: Any) -> str:
    return str((data or {}).get("name", "")) or "(no name)"


# --- The reads -----------------------------------------------------------------------------------
def dashboard(db: Database, staff: Staff, *, now: datetime) -> Dashboard:
    flags = open_flags(db, staff, now=now)  # audited there
    with db.write() as s:
        org = s.get(OrganisationRow, staff.org_id)
        try:
            settings, problem = org_settings(s, staff.org_id), ""
        except Refusal as refused:
            settings, problem = OrgSettings(), refused.detail
        children = list(
            s.exec(select(ChildRow).where(scope_of(staff, _CHILD.c.org_id, _CHILD.c.team_id)))
        )
        by_id = {c.child_id: c for c in children}
        workers = _workers(s, staff)
        overdue = [] if problem else _overdue(s, staff, children, workers, settings, now)
        concerns = _concerns(s, staff, by_id, settings, now)
        review = _review(s, staff, flags, by_id, workers, now)
        devices = _quiet_devices(s, staff, workers, settings.calendar, quiet_after(org), now)
        shown = {o.child_id for o in overdue}
        shown |= {c for line in concerns for c, _ in line.children}
        shown |= {r.child_id for r in review if r.child_id is not None}
        audit_shown(s, staff, now, "console.dashboard_viewed", shown)
    aged = []
    for f in flags:
        text, band = age_words(f.since, now, settings.calendar)
        aged.append(AgedFlag(f, text, band))
    counts = []
    for urgency in sorted(Urgency, key=lambda u: -u.rank):
        bands = [
            sum(1 for a in aged if a.flag.urgency == urgency and a.band == b) for b in range(3)
        ]
        counts.append((urgency.value, bands, sum(bands)))
    not_seen = [a for a in aged if a.flag.kind in NOT_SEEN]
    return Dashboard(
        not_seen, aged, counts, overdue, problem, concerns, review, devices, quiet_after(org)
    )


def _workers(s: Session, staff: Staff) -> dict[UUID, str]:
    """The display names of the organisation's practitioners (allocated workers may be anyone's)."""
    rows = s.execute(
        sa.select(_PRACTITIONER.c.practitioner_id, _PRACTITIONER.c.display_name).where(
            _PRACTITIONER.c.org_id == staff.org_id
        )
    )
    return {r.practitioner_id: r.display_name for r in rows}


def _overdue(
    s: Session,
    staff: Staff,
    children: list[ChildRow],
    workers: dict[UUID, str],
    settings: OrgSettings,
    now: datetime,
) -> list[OverdueLine]:
    lines = []
    found = statuses(s, staff.org_id, children, settings, now)
    for child in children:
        status = found.get(child.child_id)
        if status is None:
            continue
        worker = workers.get(child.allocated_to, "") if child.allocated_to else ""
        worker = worker or "Not allocated"
        late = []
        if status.is_overdue and status.next_due is not None:
            late.append(
                (
                    "A visit seeing the child",
                    status.next_due,
                    status.days_overdue,
                    status.days_overdue_unit,
                )
            )
        for d in status.deadlines:
            if d.met_on is None and d.days_overdue > 0:
                late.append((d.description, d.due, d.days_overdue, d.days_overdue_unit))
        for what, due, days, unit in late:
            lines.append(
                OverdueLine(
                    worker,
                    child.child_id,
                    _name(child.data),
                    what,
                    due,
                    days_words(days, unit),
                    days,
                )
            )
    return sorted(lines, key=lambda o: (-o.days, o.worker, o.child_name))


def _concerns(
    s: Session, staff: Staff, by_id: dict[UUID, ChildRow], settings: OrgSettings, now: datetime
) -> list[ConcernLine]:
    if not by_id:
        return []
    c, link = table_of(ConcernRow), table_of(ConcernChildRow)
    rows = s.execute(
        sa.select(c.c.concern_id, c.c.received_at, c.c.data, link.c.child_id)
        .join(link, sa.and_(link.c.org_id == c.c.org_id, link.c.concern_id == c.c.concern_id))
        .join(_CHILD, _CHILD.c.child_id == link.c.child_id)
        .where(
            c.c.org_id == staff.org_id,
            c.c.acknowledged_at.is_(None),
            scope_of(staff, _CHILD.c.org_id, _CHILD.c.team_id),
        )
    ).all()
    grouped: dict[UUID, tuple[datetime, list[UUID]]] = {}
    for r in rows:
        received = r.received_at or _received(r.data) or now
        grouped.setdefault(r.concern_id, (received, []))[1].append(r.child_id)
    within = settings.limits.concern_ack_within
    lines = []
    for concern_id, (received, child_ids) in grouped.items():
        text, _ = age_words(received, now, settings.calendar)
        names = [(i, _name(by_id[i].data)) for i in sorted(child_ids) if i in by_id]
        lines.append(ConcernLine(concern_id, names, received, text, now - received > within))
    return sorted(lines, key=lambda line: (line.received_at, line.concern_id))


def _received(data: Any) -> datetime | None:
    """When a concern was received, from its record (rows loaded before the column was kept)."""
    try:
        return datetime.fromisoformat(str((data or {})["received_at"]))
    except (KeyError, ValueError):
        return None


def _review(
    s: Session,
    staff: Staff,
    flags: list[FlagLine],
    by_id: dict[UUID, ChildRow],
    workers: dict[UUID, str],
    now: datetime,
) -> list[ReviewLine]:
    """What the record holds today for a manager to look at: each child not seen at a visit
    (its open flag), recent escalations, and records held back or sent after a device's
    retirement by someone in scope."""
    lines = []
    for f in flags:
        if f.kind == FlagKind.CHILD_NOT_SEEN:
            child = by_id.get(f.child_id)
            worker = workers.get(child.allocated_to, "") if child and child.allocated_to else ""
            lines.append(
                ReviewLine("Child not seen at a visit", f.child_id, f.child_name, worker, f.since)
            )
    e = table_of(EscalationRow)
    for r in s.execute(
        sa.select(e.c.practitioner_id, e.c.at, e.c.data).where(
            e.c.org_id == staff.org_id, e.c.received_at >= now - ESCALATION_WINDOW
        )
    ):
        named = {str(i) for i in (r.data or {}).get("child_ids", [])}
        for child in (c for i, c in by_id.items() if str(i) in named):
            lines.append(
                ReviewLine(
                    "Escalation",
                    child.child_id,
                    _name(child.data),
                    workers.get(r.practitioner_id, ""),
                    r.at,
                )
            )
    in_scope = sa.select(_PRACTITIONER.c.practitioner_id).where(
        scope_of(staff, _PRACTITIONER.c.org_id, _PRACTITIONER.c.team_id)
    )
    q, rr = table_of(QuarantineRow), table_of(RecordReviewRow)
    for what, table, open_ in (
        ("A record held back (conflict or refused)", q, q.c.resolved_at.is_(None)),
        ("A record sent after its device was retired", rr, rr.c.reviewed_at.is_(None)),
    ):
        for r in s.execute(
            sa.select(table.c.practitioner_id, table.c.received_at).where(
                table.c.org_id == staff.org_id, open_, table.c.practitioner_id.in_(in_scope)
            )
        ):
            lines.append(
                ReviewLine(what, None, "", workers.get(r.practitioner_id, ""), r.received_at)
            )
    return sorted(lines, key=lambda line: line.at)


def _quiet_devices(
    s: Session,
    staff: Staff,
    workers: dict[UUID, str],
    calendar: WorkingCalendar,
    hours: int,
    now: datetime,
) -> list[QuietDevice]:
    d, p = _DEVICE, _PRACTITIONER
    cutoff = now - timedelta(hours=hours)
    last = sa.func.coalesce(d.c.last_seen_at, d.c.enrolled_at)
    rows = s.execute(
        sa.select(d)
        .join(p, p.c.practitioner_id == d.c.practitioner_id)
        .where(
            d.c.org_id == staff.org_id,
            d.c.revoked_at.is_(None),
            last < cutoff,
            scope_of(staff, p.c.org_id, p.c.team_id),
        )
        .order_by(last, d.c.device_id)
    ).all()
    out = []
    for r in rows:
        since = r.last_seen_at or r.enrolled_at
        silent, _ = age_words(since, now, calendar)
        oldest = ""
        if r.outbox_held and r.outbox_oldest_at is not None:
            oldest, _ = age_words(r.outbox_oldest_at, now, calendar)
        out.append(
            QuietDevice(
                workers.get(r.practitioner_id, ""),
                r.label or "(no name)",
                r.last_seen_at,
                silent,
                r.outbox_held,
                oldest,
            )
        )
    return out
