"""Recording a complete visit through the recorder, as a practitioner would, step by step; and
submitting one for two children of a household from the app."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.fields import FieldKind, Page
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from models.rules import Step
from synthetic import SyntheticCaseload


def fill_visit_step(rec: VisitRecorder) -> None:
    rec.go(Page(Step.VISIT))
    rec.set("when.date", "02/03/2026", FieldKind.DATE)
    rec.set("when.start", "10:00", FieldKind.TIME)
    rec.set("when.end", "10:25", FieldKind.TIME)  # the fixed clock says 10:30: it is over
    rec.set("visit_purpose", "STATUTORY_VISIT", FieldKind.CHOICE)
    rec.set("consultation_mechanism", "01", FieldKind.CHOICE)
    rec.set("announced", "true", FieldKind.YES_NO)
    rec.set("location_type", "A01", FieldKind.CHOICE)
    households = rec.context.households
    rec.set("location_household_id", households[0][0], FieldKind.CHOICE)
    not_seen = any(c.child_seen and c.child_seen.value == "NO" for c in rec.visit.children)
    rec.set(
        "visit_outcome",
        "COMPLETED_NOT_ALL_CHILDREN_SEEN" if not_seen else "COMPLETED",
        FieldKind.CHOICE,
    )
    rec.set("next_visit_due", "16/03/2026", FieldKind.DATE)


def fill_child_seen(rec: VisitRecorder, i: int) -> None:
    rec.go(Page(Step.CHILD, i))
    rec.set(f"children.{i}.child_seen", "YES", FieldKind.YES_NO)
    rec.set(f"children.{i}.seen_alone", "NO", FieldKind.YES_NO)
    rec.set(f"children.{i}.reason_not_seen_alone", "UNABLE_NO_PRIVATE_SPACE", FieldKind.CHOICE)
    rec.set(f"children.{i}.child_awake", "true", FieldKind.YES_NO)
    rec.set(f"children.{i}.bedroom_seen", "true", FieldKind.YES_NO)
    rec.go(Page(Step.VOICE, i))
    rec.set(f"children.{i}.voice.communication", "VERBAL_ENGLISH", FieldKind.CHOICE)
    rec.set(f"quotes.{i}", "I like the park\nMy bed is cosy", FieldKind.MULTILINE)
    rec.set(f"children.{i}.voice.methods", ["CONVERSATION"], FieldKind.MULTI)
    rec.set(f"children.{i}.voice.wishes_and_feelings", "Wants to stay at home", FieldKind.MULTILINE)
    rec.set(f"children.{i}.voice.practitioner_analysis", "Seemed settled", FieldKind.MULTILINE)


def fill_child_not_seen(rec: VisitRecorder, i: int) -> None:
    rec.go(Page(Step.CHILD, i))
    rec.set(f"children.{i}.child_seen", "NO", FieldKind.YES_NO)
    rec.set(f"children.{i}.reason_not_seen", "CHILD_AT_SCHOOL_OR_NURSERY", FieldKind.CHOICE)


def fill_people(rec: VisitRecorder) -> None:
    rec.go(Page(Step.PEOPLE))
    for pid, _name in rec.context.known_people[:1]:
        rec.act(f"add_known.{pid}")
    for n, person in enumerate(rec.visit.persons_present):
        for r in range(len(person.relationships)):
            path = f"persons_present.{n}.relationships.{r}.parental_responsibility"
            if rec.value(path) is None:
                rec.set(path, "UNKNOWN", FieldKind.CHOICE)
        rec.set(f"persons_present.{n}.lives_in_household", "true", FieldKind.YES_NO)
        rec.set(f"persons_present.{n}.stays_overnight_regularly", "true", FieldKind.YES_NO)
        rec.set(f"persons_present.{n}.role_in_care", "PRIMARY_CARER", FieldKind.CHOICE)
        for rel in person.relationships:
            rec.set(f"care.{person.person_id}.{rel.child_id}.pattern", "Every day", FieldKind.TEXT)
            rec.set(
                f"care.{person.person_id}.{rel.child_id}.assessed", "ASSESSED", FieldKind.CHOICE
            )


def fill_observations(rec: VisitRecorder, i: int) -> None:
    rec.go(Page(Step.OBSERVATIONS, i))
    for spec in rec.fields():
        if spec.kind == FieldKind.MULTILINE and (
            "PRESENTATION" in spec.path or "INTERACTION" in spec.path
        ):
            rec.set(spec.path, "Clean, relaxed, went to them for comfort", FieldKind.MULTILINE)


def fill_concerns(rec: VisitRecorder) -> None:
    rec.go(Page(Step.CONCERNS))
    rec.set("safeguarding_concern_now", "NONE", FieldKind.CHOICE)


def record_complete_visit(rec: VisitRecorder, *, not_seen: Collection[int] = ()) -> None:
    for i in range(len(rec.visit.children)):
        if i in not_seen:
            fill_child_not_seen(rec, i)
        else:
            fill_child_seen(rec, i)
    fill_visit_step(rec)
    fill_people(rec)
    for i in range(len(rec.visit.children)):
        if i not in not_seen:
            fill_observations(rec, i)
    fill_concerns(rec)


def household_of_two(load: SyntheticCaseload) -> list[UUID]:
    homes: dict[object, list[UUID]] = {}
    for c in load.children:
        homes.setdefault(c.household_id, []).append(c.child_id)
    return max(homes.values(), key=len)[:2]


def submit_one(app: AppViewModel, load: SyntheticCaseload, *, not_seen=frozenset()) -> UUID:
    app.start_visit(household_of_two(load))
    assert app.recorder is not None
    record_complete_visit(app.recorder, not_seen=set(not_seen))
    assert app.recorder.submit(), app.recorder.error
    return app.recorder.visit.visit_id
