"""Reading and writing one field of a draft visit by a dotted path, as the screens see it.

Real paths ("children.0.reason_not_seen") go straight to the record and are validated by it.
A few paths are views onto the record that a form shows differently:

    when.date / when.start / when.end            the visit's date and start/end times (typed)
    quotes.<child>                               the child's own words, one quote per line
    obs.<child>.<CATEGORY>                       one observation's text
    obs.<child>.INTERACTION_WITH_CARER.<person>  how the child was with one person present
    care.<person>.<child>.pattern|assessed       a care arrangement, made when first touched
    concern_date.<n>                             the day concern n was received
    other_carer.<child>                          who a child not seen is with: a person's id,
                                                 or NEW_CARER for someone new to the record
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from models.enums import ObservationCategory
from models.ids import new_id
from models.paths import walk
from models.visit import CareArrangement, ChildOutcome, Observation, Quote, Visit

__all__ = [
    "NEW_CARER",
    "FieldValue",
    "PathError",
    "get_value",
    "parse_date",
    "parse_time",
    "set_value",
    "set_when",
]

FieldValue = str | list[str] | None
NEW_CARER = "new"
_DATE_FIELDS = frozenset({"next_visit_due", "da_follow_up_date", "see_awake_by"})
# Names and addresses are kept without the spaces around them ("Jo Bell ", pasted): the same
# person typed twice is then the same name. Typed fields are not redrawn from the record while
# typing, so trimming here never moves the cursor.
_TRIMMED = frozenset({"name", "other_carer_name", "other_carer_address", "location_description"})


class PathError(ValueError):
    """A value that does not fit: `message` says what to type instead."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def parse_date(text: str) -> date:
    text = text.strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            try:
                return date(a, b, c) if order == "ymd" else date(c, b, a)
            except ValueError:
                break
    raise PathError("Type a date like 02/03/2026.")


def parse_time(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise PathError("Type a time like 14:30.")


def _plain(value: Any) -> FieldValue:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return [str(_plain(v)) for v in value]
    return str(value)


def _observation(child: ChildOutcome, category: str, person: UUID | None) -> Observation | None:
    return next(
        (
            o
            for o in child.observations
            if o.category == category and (person is None or o.about_person_id == person)
        ),
        None,
    )


def _arrangement(visit: Visit, person: UUID, child: UUID) -> CareArrangement | None:
    return next(
        (a for a in visit.care_arrangements if a.carer_person_id == person and a.child_id == child),
        None,
    )


def get_value(visit: Visit, path: str) -> FieldValue:
    head, _, rest = path.partition(".")
    parts = rest.split(".") if rest else []
    if head == "when":
        return _get_when(visit, parts[0])
    if head == "quotes":
        return "\n".join(q.text for q in visit.children[int(parts[0])].voice.words_verbatim)
    if head == "obs":
        child = visit.children[int(parts[0])]
        person = UUID(parts[2]) if len(parts) > 2 else None
        found = _observation(child, parts[1], person)
        return found.text if found else ""
    if head == "care":
        arrangement = _arrangement(visit, UUID(parts[0]), UUID(parts[1]))
        return _plain(getattr(arrangement, parts[2])) if arrangement else None
    if head == "concern_date":
        received = visit.concerns_received[int(parts[0])].received_at
        return _plain(received)
    if head == "other_carer":
        child = visit.children[int(parts[0])]
        return NEW_CARER if child.other_carer_is_new else _plain(child.other_carer_person_id)
    try:
        return _plain(walk(visit, path.split(".")))
    except (LookupError, ValueError):
        return None


def _get_when(visit: Visit, which: str) -> FieldValue:
    if which == "date":
        moment = visit.started_at or visit.created_on_device_at
        return f"{moment:%d/%m/%Y}"
    at = visit.started_at if which == "start" else visit.ended_at
    return f"{at:%H:%M}" if at else ""


def set_value(visit: Visit, path: str, value: FieldValue) -> None:
    """Write `value` into `visit`; raise PathError (plain words) if it does not fit."""
    head, _, rest = path.partition(".")
    parts = rest.split(".") if rest else []
    try:
        if head == "when":
            raise PathError("The visit's date and times are set through the recorder.")
        if head == "quotes":
            lines = [line.strip() for line in str(value or "").splitlines()]
            voice = visit.children[int(parts[0])].voice
            voice.words_verbatim = [Quote(text=line) for line in lines if line]
        elif head == "obs":
            _set_observation(visit.children[int(parts[0])], parts[1:], str(value or ""))
        elif head == "care":
            _set_care(visit, UUID(parts[0]), UUID(parts[1]), parts[2], value)
        elif head == "concern_date":
            day = parse_date(str(value or ""))
            concern = visit.concerns_received[int(parts[0])]
            tz = visit.created_on_device_at.tzinfo
            concern.received_at = datetime.combine(day, time(12, 0), tzinfo=tz)
        elif head == "other_carer":
            _set_other_carer(visit.children[int(parts[0])], str(value or ""))
        elif path.rsplit(".", 1)[-1] in _DATE_FIELDS:
            *parents, leaf = path.split(".")
            setattr(walk(visit, parents), leaf, parse_date(str(value)) if value else None)
        else:
            *parents, leaf = path.split(".")
            if leaf in _TRIMMED and isinstance(value, str):
                value = value.strip()
            setattr(walk(visit, parents), leaf, None if value in ("", None) else value)
    except ValidationError as exc:
        raise PathError("That answer does not fit here: choose again or retype it.") from exc


def set_when(visit: Visit, day: date, which: str, text: str) -> None:
    """Set the visit's day ("date") or its start/end time on that day."""
    tz = visit.created_on_device_at.tzinfo
    if which == "date":
        if visit.started_at:
            visit.started_at = datetime.combine(day, visit.started_at.timetz())
        if visit.ended_at:
            visit.ended_at = datetime.combine(day, visit.ended_at.timetz())
        return
    moment = datetime.combine(day, parse_time(text), tzinfo=tz) if text.strip() else None
    if which == "start":
        visit.started_at = moment
    else:
        visit.ended_at = moment


def _set_other_carer(child: ChildOutcome, value: str) -> None:
    """Someone on record (their id), someone new (an id made here, once), or nobody yet."""
    if value == NEW_CARER:
        if not child.other_carer_is_new:
            child.other_carer_person_id = new_id()
            child.other_carer_is_new = True
        return
    try:
        child.other_carer_person_id = UUID(value) if value else None
    except ValueError as exc:
        raise PathError("Choose who the child is with from the list.") from exc
    child.other_carer_is_new = False
    child.other_carer_name = ""
    child.other_carer_relationship = None


def _set_observation(child: ChildOutcome, parts: list[str], text: str) -> None:
    category = ObservationCategory(parts[0])
    person = UUID(parts[1]) if len(parts) > 1 else None
    found = _observation(child, category, person)
    if found is None and text.strip():
        child.observations = [
            *child.observations,
            Observation(category=category, text=text, about_person_id=person),
        ]
    elif found is not None and not text.strip():
        child.observations = [o for o in child.observations if o is not found]
    elif found is not None:
        found.text = text


def _set_care(visit: Visit, person: UUID, child: UUID, field: str, value: FieldValue) -> None:
    arrangement = _arrangement(visit, person, child)
    if arrangement is None:
        arrangement = CareArrangement(child_id=child, carer_person_id=person)
        visit.care_arrangements = [*visit.care_arrangements, arrangement]
        arrangement = visit.care_arrangements[-1]
    setattr(arrangement, field, None if value in ("", None) else value)
