"""A child's chronology entries, one reader per kind, each over rows of one organisation: visits
(this child's outcome only, never a brother's or sister's), corrections to them with the original
values, concerns (a confidential reporter's identity as `reveal` says), flags with their history,
decisions and escalations."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time
from enum import Enum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session

from models.amendment import Amendment
from models.concern import REPEAT_WINDOW
from models.enums import YesNo
from models.escalation import Escalation
from models.flags import FlagKind
from models.oversight import DecisionKind, FlagAction, Urgency
from models.visit import ChildOutcome, Visit
from sync.protocol_oversight import FlagData
from sync.server.services.chronology.shapes import Change, Entry, EntryKind, Event, Line
from sync.server.services.chronology.words import code_label, day, label, path_words
from sync.server.services.concerns.reads import concern_views
from sync.server.services.oversight.reads import histories
from sync.server.tables import (
    ConcernChildRow,
    ConcernRow,
    DecisionRow,
    EscalationRow,
    FlagRow,
    RecordRevisionRow,
    VisitChildRow,
    VisitRevisionRow,
    table_of,
)

__all__ = ["Names", "child_entries"]

Names = Mapping[UUID, str]  # practitioner id -> display name
_PER_CHILD = ("children", "care_arrangements")
_UNKNOWN = datetime(
    1970, 1, 1, tzinfo=UTC
)  # a concern loaded with no time: sorts last  # visit fields held per child, by list index


def _name(names: Names, who: UUID | None) -> str:
    if who is None:
        return "the central record"
    return names.get(who, "someone no longer on the record")


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _lines(*pairs: tuple[str, str]) -> tuple[Line, ...]:
    return tuple(Line(k, v) for k, v in pairs if v)


# --- Visits and their corrections ----------------------------------------------------------------
def _revisions(s: Session, org: str, child_id: UUID) -> dict[UUID, dict[int, Visit]]:
    vc, vr = table_of(VisitChildRow), table_of(VisitRevisionRow)
    ids = sa.select(vc.c.visit_id).where(vc.c.child_id == child_id)
    out: dict[UUID, dict[int, Visit]] = {}
    for r in s.execute(
        sa.select(vr.c.visit_id, vr.c.revision, vr.c.body).where(
            vr.c.org_id == org, vr.c.visit_id.in_(ids)
        )
    ):
        out.setdefault(r.visit_id, {})[r.revision] = Visit.model_validate(r.body)
    return out


def _answer(
    answer: YesNo | None, yes: str, no: str, why: Enum | None, other: str | None, unknown: str
) -> str:
    """A yes/no answer in words; a no says why, and what "another reason" was."""
    if answer == YesNo.YES:
        return yes
    if answer != YesNo.NO:
        return unknown
    said = f" ({other})" if other else ""
    return f"{no}: {label(why, empty='no reason given')}{said}"


def _seen(o: ChildOutcome) -> tuple[str, str]:
    seen = _answer(o.child_seen, "Seen", "Not seen", o.reason_not_seen,
                   o.reason_not_seen_other, "Not recorded")  # fmt: skip
    alone = _answer(o.seen_alone, "Yes", "No", o.reason_not_seen_alone,
                    o.reason_not_seen_alone_other, "")  # fmt: skip
    return seen, alone


def _visit_entry(visit: Visit, child_id: UUID, corrections: int, names: Names) -> Entry | None:
    outcome = next((o for o in visit.children if o.child_id == child_id), None)
    if outcome is None:
        return None
    seen, alone = _seen(outcome)
    voice = outcome.voice
    observed = [(f"Observed: {label(o.category).lower()}", o.text) for o in outcome.observations]
    lines = _lines(
        ("How", label(visit.consultation_mechanism)),
        ("Outcome of the visit", label(visit.visit_outcome)),
        ("The child", seen),
        ("Seen alone", alone),
        ("Wishes and feelings", voice.wishes_and_feelings),
        ("What the child was told", voice.child_told),
        *observed,
        ("The worker's analysis (not the child's words)", voice.practitioner_analysis),
        ("Safeguarding concern now", label(visit.safeguarding_concern_now)),
        ("Escalation notes", visit.escalation_notes),
        ("Corrected", f"{corrections} correction{'s' if corrections != 1 else ''}: shown above, beside the original values" if corrections else ""),
    )  # fmt: skip
    purpose = label(visit.visit_purpose)
    return Entry(
        kind=EntryKind.VISIT,
        at=visit.started_at or visit.submitted_at or visit.created_on_device_at,
        title=f"Visit: {seen.lower()}" + (f" ({purpose.lower()})" if purpose else ""),
        record_id=visit.visit_id,
        by=_name(names, visit.practitioner_id),
        lines=lines,
        words=tuple(Line(q.context, q.text) for q in voice.words_verbatim),
        open=outcome.child_seen == YesNo.NO,
    )


def _about_child(path: str, before: Visit, child_id: UUID) -> bool:
    """Whether an amended field may be shown on this child's record: a field held per child
    (children.N..., care_arrangements.N...) only when it is this child's."""
    head, _, rest = path.partition(".")
    if head not in _PER_CHILD:
        return True
    index = rest.partition(".")[0]
    items: list[Any] = getattr(before, head)
    if not index.isdigit() or int(index) >= len(items):
        return False  # not knowably this child's: left out rather than shown to the wrong child
    return bool(items[int(index)].child_id == child_id)


def _amendment_entries(
    s: Session, org: str, child_id: UUID, visits: Mapping[UUID, Mapping[int, Visit]], names: Names
) -> list[Entry]:
    rr = table_of(RecordRevisionRow)
    out = []
    for r in s.execute(
        sa.select(rr.c.record_id, rr.c.revision, rr.c.body).where(
            rr.c.org_id == org, rr.c.kind == "amendment", rr.c.record_id.in_(list(visits))
        )
    ):
        amendment = Amendment.model_validate(r.body)
        before = visits[r.record_id].get(amendment.amends_revision)
        if before is None:
            continue
        changes = tuple(
            Change(path_words(c.field_path), _value(c.old_value), _value(c.new_value))
            for c in amendment.changes
            if _about_child(c.field_path, before, child_id)
        )
        if not changes:
            continue  # a correction to a brother's or sister's part of the visit
        when = before.started_at or before.created_on_device_at
        out.append(
            Entry(
                kind=EntryKind.AMENDMENT,
                at=amendment.at,
                title=f"Correction to the visit of {day(when.date())}",
                record_id=amendment.amendment_id,
                by=_name(names, amendment.author_id),
                changes=changes,
                reason=amendment.reason or "(no reason given)",
            )
        )
    return out


def visit_entries(
    s: Session, org: str, child_id: UUID, names: Names
) -> tuple[list[Entry], set[UUID]]:
    """The child's visits (their latest revision) and the corrections to them; and the visits' ids."""
    visits = _revisions(s, org, child_id)
    out = []
    for revisions in visits.values():
        latest = revisions[max(revisions)]
        entry = _visit_entry(latest, child_id, len(revisions) - 1, names)
        if entry is not None:
            out.append(entry)
    out += _amendment_entries(s, org, child_id, visits, names) if visits else []
    return out, set(visits)


# --- Concerns ------------------------------------------------------------------------------------
def concern_entries(
    s: Session, org: str, child_id: UUID, names: Names, reveal: Callable[[ConcernRow], bool]
) -> list[Entry]:
    c_, cc = table_of(ConcernRow), table_of(ConcernChildRow)
    ids = sa.select(cc.c.concern_id).where(cc.c.org_id == org, cc.c.child_id == child_id)
    rows = list(
        s.execute(
            sa.select(ConcernRow).where(
                ConcernRow.org_id == org,  # type: ignore[arg-type]
                c_.c.concern_id.in_(ids),
            )
        ).scalars()
    )
    out = []
    days = REPEAT_WINDOW.days
    for row, view in zip(rows, concern_views(s, org, rows, reveal=reveal), strict=True):
        c, who = view.concern, view.concern.reporter
        relationship = label(who.relationship)
        if view.identity_hidden:
            reporter = "Redacted: the reporter asked for their identity to be kept confidential"
        else:
            reporter = who.name or "Not given"
        events: tuple[Event, ...] = ()
        if c.acknowledgement is not None:
            ack = c.acknowledgement
            events = (
                Event(
                    ack.at,
                    f"Acknowledged by {_name(names, ack.by_practitioner_id)}",
                    ack.action_taken,
                ),
            )
        out.append(
            Entry(
                kind=EntryKind.CONCERN,
                at=c.received_at or row.received_at or _UNKNOWN,
                title="Concern received" + (f" from a {relationship.lower()}" if relationship else ""),
                record_id=c.concern_id,
                by=_name(names, c.received_by) if c.received_by else "",
                lines=_lines(
                    ("Reporter", reporter),
                    ("Relationship", "" if view.identity_hidden else who.relationship_notes),
                    ("Contact", "" if view.identity_hidden else who.contact),
                    ("How it came", label(c.channel)),
                    ("What was said", c.content),
                    ("Reports from this person", f"{view.reports_in_window} in {days} days, {view.reports_total} in all"),
                    ("Acknowledged", "Not yet" if view.open else "Yes"),
                ),
                events=events,
                open=view.open,
                redacted=view.identity_hidden,
            )
        )  # fmt: skip
    return out


# --- Flags, decisions, escalations ---------------------------------------------------------------
def flag_entries(s: Session, org: str, child_id: UUID, names: Names) -> list[Entry]:
    t = table_of(FlagRow)
    rows = list(s.execute(sa.select(t).where(t.c.org_id == org, t.c.child_id == child_id)))
    history = histories(s, org, [r.flag_id for r in rows])
    out = []
    for r in rows:
        try:
            data: FlagData | None = FlagData.model_validate(r.data)
        except ValidationError:
            data = None  # a flag without its words: shown by its kind alone
        events = tuple(
            Event(
                e.at,
                f"{code_label(FlagAction, e.action)} ({code_label(Urgency, e.urgency).lower()})"
                + ("" if e.by_practitioner_id is None else f" by {_name(names, e.by_practitioner_id)}"),
                e.note,
            )
            for e in history[r.flag_id]
        )  # fmt: skip
        out.append(
            Entry(
                kind=EntryKind.FLAG,
                at=r.raised_at,
                title=f"Flag: {code_label(FlagKind, r.kind)}",
                record_id=r.flag_id,
                by="the central record",
                lines=_lines(
                    ("Urgency", code_label(Urgency, r.urgency)),
                    ("Now", {"open": "Open", "cleared": "Cleared", "closed": "Closed"}.get(r.status, r.status)),
                    ("Why", data.why if data else ""),
                    ("What would clear it", data.clears if data else ""),
                    ("Due", day(data.due) if data and data.due else ""),
                ),
                events=events,
                open=r.status == "open",
            )
        )  # fmt: skip
    return out


def decision_entries(s: Session, org: str, child_id: UUID, names: Names) -> list[Entry]:
    t = table_of(DecisionRow)
    rows = s.execute(sa.select(t).where(t.c.org_id == org, t.c.child_id == child_id))
    return [
        Entry(
            kind=EntryKind.DECISION,
            at=datetime.combine(r.made_on, time(12), tzinfo=UTC),  # a day: midday, to sort
            title=f"Decision: {code_label(DecisionKind, r.kind)}",
            record_id=r.decision_id,
            by=_name(names, r.recorded_by),
            lines=_lines(("Made on", day(r.made_on)), ("Outcome", r.outcome), ("Reason", r.reason)),
        )
        for r in rows
    ]


def escalation_entries(
    s: Session, org: str, child_id: UUID, visit_ids: Iterable[UUID], names: Names
) -> list[Entry]:
    ids = list(visit_ids)
    if not ids:
        return []
    t = table_of(EscalationRow)
    out = []
    for r in s.execute(sa.select(t.c.data).where(t.c.org_id == org, t.c.visit_id.in_(ids))):
        e = Escalation.model_validate(r.data)
        if e.child_ids and child_id not in e.child_ids:
            continue
        out.append(
            Entry(
                kind=EntryKind.ESCALATION,
                at=e.at,
                title="Escalation" + (f" to {e.to_whom}" if e.to_whom else ""),
                record_id=e.escalation_id,
                by=_name(names, e.practitioner_id),
                lines=_lines(
                    ("Told", e.to_whom),
                    ("How", label(e.how)),
                    ("What they said or did", e.response),
                ),
            )
        )
    return out


def child_entries(
    s: Session, org: str, child_id: UUID, names: Names, reveal: Callable[[ConcernRow], bool]
) -> list[Entry]:
    """Every entry of the child's chronology, newest first."""
    visits, visit_ids = visit_entries(s, org, child_id, names)
    entries = [
        *visits,
        *concern_entries(s, org, child_id, names, reveal),
        *flag_entries(s, org, child_id, names),
        *decision_entries(s, org, child_id, names),
        *escalation_entries(s, org, child_id, visit_ids, names),
    ]
    return sorted(entries, key=lambda e: (e.at, str(e.record_id)), reverse=True)
