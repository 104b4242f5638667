"""A flag's life: raised when its condition starts, cleared by itself when the condition ends,
closed by a named person with a note, reopened when the condition comes back. Pure: `reconcile`
compares the flags as they stand with the conditions found now and says what happens to each;
the central record applies it and keeps every step as history (raised, seen, acknowledged,
cleared, closed, reopened).

A flag closed by a person while its condition still holds stays closed; once the condition has
ended, its return reopens the flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from models.oversight.shapes import Condition, Urgency

__all__ = ["FlagAction", "FlagState", "FlagStatus", "Step", "reconcile"]


class FlagStatus(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"  # its condition ended
    CLOSED = "closed"  # a named person closed it with a note


class FlagAction(StrEnum):
    RAISED = "raised"
    URGENCY_CHANGED = "urgency_changed"
    CLEARED = "cleared"
    REOPENED = "reopened"
    CONDITION_ENDED = "condition_ended"  # of a closed flag: it may reopen now
    SEEN = "seen"  # by a person (who opened it)
    ACKNOWLEDGED = "acknowledged"  # by a person (who is acting on it)
    CLOSED = "closed"  # by a person, with a note


@dataclass(frozen=True)
class FlagState:
    flag_id: UUID
    child_id: UUID
    status: FlagStatus
    condition_active: bool
    urgency: Urgency


@dataclass(frozen=True)
class Step:
    """What happens to one flag: its action, and the condition as found (None once it ended)."""

    flag_id: UUID
    action: FlagAction
    condition: Condition | None


def reconcile(
    flags: Mapping[UUID, FlagState], conditions: Iterable[Condition], children: Iterable[UUID]
) -> list[Step]:
    """The steps that bring `flags` in line with `conditions`, for `children` only (the children
    whose facts were read: a flag of any other child is left alone)."""
    found = {c.flag_id: c for c in conditions}
    steps: list[Step] = []
    for flag_id, c in found.items():
        f = flags.get(flag_id)
        if f is None:
            steps.append(Step(flag_id, FlagAction.RAISED, c))
        elif f.status == FlagStatus.CLEARED or (
            f.status == FlagStatus.CLOSED and not f.condition_active
        ):
            steps.append(Step(flag_id, FlagAction.REOPENED, c))
        elif f.status == FlagStatus.OPEN and f.urgency != c.urgency:
            steps.append(Step(flag_id, FlagAction.URGENCY_CHANGED, c))
    wanted = set(children)
    for flag_id, f in flags.items():
        if flag_id in found or f.child_id not in wanted or not f.condition_active:
            continue
        action = FlagAction.CLEARED if f.status == FlagStatus.OPEN else FlagAction.CONDITION_ENDED
        steps.append(Step(flag_id, action, None))
    return steps
