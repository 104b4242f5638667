"""What a flag says, as the rules find it (conditions.py): a Condition, its Urgency, who acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid5

from models.flags import FLAG_NS, FlagKind

__all__ = ["ActBy", "Condition", "Urgency"]


class Urgency(StrEnum):
    ROUTINE = "routine"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


class ActBy(StrEnum):
    WORKER = "worker"  # the allocated worker
    MANAGER = "manager"  # the team manager


@dataclass(frozen=True)
class Condition:
    """Why a flag stands: for which child, since when, how urgent, who must act, what clears it.
    `why` and `clears` are plain words with dates and counts only, never a name."""

    child_id: UUID
    kind: FlagKind
    key: str
    urgency: Urgency
    since: datetime
    why: str
    clears: str
    act_by: ActBy
    reason: str = ""  # an enumeration code
    due: date | None = None
    visit_id: UUID | None = None
    person_id: UUID | None = None
    decision_id: UUID | None = None
    concern_id: UUID | None = None

    @property
    def flag_id(self) -> UUID:
        return uuid5(FLAG_NS, self.key)
