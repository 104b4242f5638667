"""What the recording rules return, and what they share: the journey's steps, a Problem (a
field, plain words, the step that fixes it), a Check (every problem found), and who counts as
family or a parent figure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from pydantic import JsonValue

from models.enums import CarerRole, Relationship
from models.visit import PersonPresent

__all__ = [
    "HAS_TEXT_SCHEMA", "NOT_FAMILY", "PARENT_LIKE", "Check", "Problem", "ProblemMaker", "Step", "cares_for",
    "has_text", "person_label",
]  # fmt: skip

# People whose own care of the child is not in question.
NOT_FAMILY = frozenset({Relationship.PROFESSIONAL, Relationship.INTERPRETER})
PARENT_LIKE = frozenset(
    {
        Relationship.MOTHER,
        Relationship.FATHER,
        Relationship.STEP_PARENT,
        Relationship.MOTHER_PARTNER,
        Relationship.FATHER_PARTNER,
    }
)


class Step(StrEnum):
    """The steps of the visit journey, in order: a problem links to the step that fixes it."""

    VISIT = "visit"
    CHILD = "child"
    VOICE = "voice"
    OBSERVATIONS = "observations"
    PEOPLE = "people"
    CONCERNS = "concerns"


@dataclass(frozen=True)
class Problem:
    field: str  # e.g. "children.1.reason_not_seen"
    message: str
    step: Step
    child_id: UUID | None = None


@dataclass(frozen=True)
class Check:
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def fields(self) -> set[str]:
        return {p.field for p in self.problems}


class ProblemMaker(Protocol):
    """Type of the small per-child `problem(...)` helper (a callable) the rules build."""

    def __call__(self, field: str, message: str, step: Step = Step.CHILD) -> Problem: ...


def cares_for(person: PersonPresent, child_id: UUID) -> bool:
    return person.role_in_care not in (None, CarerRole.NONE) and any(
        r.child_id == child_id and r.relationship not in NOT_FAMILY for r in person.relationships
    )


def person_label(person: PersonPresent, index: int) -> str:
    return person.name.strip() or f"Person {index + 1}"


def has_text(value: str) -> bool:
    return bool(value and value.strip())


def _pattern_class(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


# has_text as an OpenAPI (JSON Schema) pattern, for fields the services refuse blank: one
# character that str.strip() keeps (Python's whitespace, listed; not regex \\s, which differs).
_SPACE = _pattern_class("".join(chr(c) for c in range(0x3001) if chr(c).isspace()))
HAS_TEXT_SCHEMA: dict[str, JsonValue] = {"pattern": f"^[^\\u0000]*[^{_SPACE}\\u0000][^\\u0000]*$"}
