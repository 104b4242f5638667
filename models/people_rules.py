"""The recording rules for the people at a visit and the concerns others raised (models.rules
runs them with the rest): a new adult is a prompt, every carer's part in the child's care is asked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from uuid import UUID

from models.checks import NOT_FAMILY, PARENT_LIKE, Problem, Step, has_text, person_label
from models.concern import ConcernReceived
from models.enums import CarerRole
from models.visit import Visit

__all__ = ["concern_problems", "people_problems"]


def people_problems(visit: Visit, labels: Mapping[UUID, str]) -> Iterator[Problem]:
    child_index = {c.child_id: i for i, c in enumerate(visit.children)}
    arranged = {(a.carer_person_id, a.child_id): a for a in visit.care_arrangements}
    for index, person in enumerate(visit.persons_present):
        base = f"persons_present.{index}"
        who = person_label(person, index)

        def problem(field: str, message: str, base: str = base) -> Problem:
            return Problem(f"{base}.{field}", message, Step.PEOPLE)

        if person.is_new and not (
            has_text(person.name) or has_text(person.unidentified_description)
        ):
            yield problem(
                "name", f"{who} is new: give their name, or describe them if they refuse."
            )
        if not person.relationships:
            yield problem("relationships", f"Say who {who} is to the children.")
        family = [r for r in person.relationships if r.relationship not in NOT_FAMILY]
        if not family:
            continue
        if person.lives_in_household is None:
            yield problem("lives_in_household", f"Say whether {who} lives here.")
        if person.stays_overnight_regularly is None:
            yield problem("stays_overnight_regularly", f"Say whether {who} stays overnight.")
        if person.role_in_care is None:
            yield problem("role_in_care", f"Say what part {who} plays in caring for the children.")
        for rel in family:
            cares = person.role_in_care not in (None, CarerRole.NONE)
            name = labels.get(rel.child_id, f"Child {child_index.get(rel.child_id, 0) + 1}")
            if rel.parental_responsibility is None and (rel.relationship in PARENT_LIKE or cares):
                yield problem(
                    "relationships",
                    f"Say whether {who} has parental responsibility for {name}.",
                )
            if cares or person.stays_overnight_regularly:
                arrangement = arranged.get((person.person_id, rel.child_id))
                if arrangement is None or not has_text(arrangement.pattern):
                    yield problem(
                        "care_arrangements",
                        f"{who} cares for {name}: record the pattern of care.",
                    )
                if arrangement is None or arrangement.assessed is None:
                    yield problem(
                        "care_arrangements",
                        f"Say whether {who}'s care of {name} has been assessed.",
                    )


def concern_problems(concern: ConcernReceived, base: str, number: int | None) -> Iterator[Problem]:
    prefix = f"{base}." if base else ""
    what = f"Concern {number}" if number else "This concern"

    def problem(field: str, message: str) -> Problem:
        return Problem(f"{prefix}{field}", message, Step.CONCERNS)

    if concern.reporter.relationship is None:
        yield problem("reporter.relationship", f"{what}: say who raised it (their relationship).")
    if concern.channel is None:
        yield problem("channel", f"{what}: say how it reached you.")
    if concern.received_at is None:
        yield problem("received_at", f"{what}: say when it was received.")
    if not has_text(concern.content):
        yield problem("content", f"{what}: record what was said, in their words where possible.")
    if not concern.children_concerned:
        yield problem("children_concerned", f"{what}: choose which children it is about.")
