"""The recorder on the real services: an absent carer recorded without marking them here, a
restricted adult warned of at once, a baby not seen awake asked why and when, another language
asked which and who interpreted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest

from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, Page
from mobile.ui.viewmodels.visit.paths import NEW_CARER
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from models.caseload import ContactRestriction
from models.enums import ContactRestrictionType, Interpreter, Relationship
from models.rules import Step
from synthetic import SyntheticCaseload
from tests.ui.journey import fill_child_seen, household_of_two, record_complete_visit


@pytest.fixture
def rec(app: AppViewModel, load: SyntheticCaseload) -> VisitRecorder:
    app.start_visit(household_of_two(load))
    assert app.screen == Screen.VISIT and app.recorder is not None
    return app.recorder


def fields(rec: VisitRecorder) -> dict[str, FieldSpec]:
    return {f.path: f for f in rec.fields()}


def _restrict(rec: VisitRecorder, kind: ContactRestrictionType) -> tuple[str, str]:
    pid, name = rec.context.known_people[0]
    child = rec.visit.children[0].child_id
    restriction = ContactRestriction(
        restriction_id=uuid4(),
        person_id=pid,
        child_id=child,
        restriction_type=kind,
        source="Fictional court order (synthetic)",
        expires_on=date(2027, 1, 31),
    )
    rec.context = replace(rec.context, restrictions=(restriction,))
    return str(pid), name


def test_an_absent_carer_new_to_the_record_is_named_without_being_marked_here(rec):
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    who = fields(rec)["other_carer.0"]
    assert (NEW_CARER, "Someone not on the list") in who.choices
    assert "not recorded as here" in who.help
    rec.set("other_carer.0", NEW_CARER, FieldKind.CHOICE)
    child = rec.visit.children[0]
    made = child.other_carer_person_id
    assert made is not None and child.other_carer_is_new
    assert {"children.0.other_carer_name", "children.0.other_carer_relationship"} <= set(
        fields(rec)
    )
    assert ("GRANDPARENT", "Grandparent") in fields(rec)[
        "children.0.other_carer_relationship"
    ].choices
    rec.set("other_carer.0", NEW_CARER, FieldKind.CHOICE)  # again: the same new person
    assert rec.visit.children[0].other_carer_person_id == made
    rec.set("children.0.other_carer_name", "Hazel Madeupson", FieldKind.TEXT)
    rec.set("children.0.other_carer_relationship", "GRANDPARENT", FieldKind.CHOICE)
    rec.set("children.0.other_carer_address", "4 Fable Street, Imaginary Town", FieldKind.TEXT)
    assert rec.value("other_carer.0") == NEW_CARER
    assert rec.visit.persons_present == []
    record_complete_visit(rec, not_seen={0})
    # record_complete_visit answered "at school": put the carer back, then submit.
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    assert rec.submit(), rec.error
    locked = rec.visit.children[0]
    assert locked.other_carer_name == "Hazel Madeupson"
    assert locked.other_carer_relationship == Relationship.GRANDPARENT
    assert all(p.person_id != made for p in rec.visit.persons_present)


def test_choosing_someone_on_record_after_new_forgets_the_new_name(rec):
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    rec.set("other_carer.0", NEW_CARER, FieldKind.CHOICE)
    rec.set("children.0.other_carer_name", "Moss Inventa", FieldKind.TEXT)
    pid, _ = rec.context.known_people[0]
    rec.set("other_carer.0", str(pid), FieldKind.CHOICE)
    child = rec.visit.children[0]
    assert (child.other_carer_person_id, child.other_carer_is_new) == (pid, False)
    assert child.other_carer_name == ""
    assert "children.0.other_carer_name" not in fields(rec)
    rec.set("other_carer.0", "not-an-id", FieldKind.CHOICE)
    assert rec.field_errors["other_carer.0"].startswith("Choose who")


def test_a_restricted_adult_recorded_here_is_warned_of_in_words_at_once(rec):
    pid, name = _restrict(rec, ContactRestrictionType.SUPERVISED_ONLY)
    child_name = rec.context.child_name(rec.visit, 0)
    rec.go(Page(Step.PEOPLE))
    rec.act(f"add_known.{pid}")
    n = next(i for i, p in enumerate(rec.visit.persons_present) if str(p.person_id) == pid)
    rec.set(f"persons_present.{n}.role_in_care", "NONE", FieldKind.CHOICE)
    rec.set(f"persons_present.{n}.lives_in_household", "false", FieldKind.YES_NO)
    rec.set(f"persons_present.{n}.stays_overnight_regularly", "false", FieldKind.YES_NO)
    note = next(f for f in rec.fields() if f.path.startswith("restriction."))
    assert note.kind == FieldKind.HINT  # here, supervised: not against it yet
    assert note.label == (
        f"Contact restriction on {name} with {child_name}: supervised contact only (Fictional "
        f"court order (synthetic), until 31 January 2027). {name} is recorded as here."
    )
    rec.set(f"persons_present.{n}.role_in_care", "SHARED_CARER", FieldKind.CHOICE)
    warning = next(f for f in rec.fields() if f.path.startswith("restriction."))
    assert warning.kind == FieldKind.WARNING
    assert f"{name} is recorded as caring for the children: this goes against it" in warning.label
    assert "tell your manager today" in warning.label


def test_no_contact_means_a_warning_for_being_here_at_all(rec):
    pid, _name = _restrict(rec, ContactRestrictionType.NO_CONTACT)
    rec.go(Page(Step.PEOPLE))
    rec.act(f"add_known.{pid}")
    warning = next(f for f in rec.fields() if f.path.startswith("restriction."))
    assert warning.kind == FieldKind.WARNING and "no contact" in warning.label


def test_a_restricted_adult_a_child_is_with_is_warned_of_on_the_child_page(rec):
    pid, _name = _restrict(rec, ContactRestrictionType.SUPERVISED_ONLY)
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    rec.set("other_carer.0", pid, FieldKind.CHOICE)
    warning = next(f for f in rec.fields() if f.path.startswith("restriction."))
    assert warning.kind == FieldKind.WARNING
    assert "recorded as the carer a child is with" in warning.label


def test_the_app_gives_the_recorder_the_devices_restrictions(app, load):
    assert app.services is not None
    held = {r.restriction_id for r in app.services.visits.restrictions()}
    assert held <= {r.restriction_id for r in load.restrictions}
    app.start_visit(household_of_two(load))
    assert app.recorder is not None
    assert {r.restriction_id for r in app.recorder.context.restrictions} == held


def test_a_baby_not_seen_awake_is_asked_why_and_when(rec):
    fill_child_seen(rec, 0)
    rec.visit.children[0].date_of_birth = date(2025, 3, 2)  # twelve months at the visit
    rec.go(Page(Step.CHILD, 0))
    assert "a baby must be seen awake" in fields(rec)["children.0.child_awake"].help
    assert "children.0.not_awake_reason" not in fields(rec)
    rec.set("children.0.child_awake", "false", FieldKind.YES_NO)
    assert fields(rec)["children.0.see_awake_by"].kind == FieldKind.DATE
    rec.set("children.0.not_awake_reason", "Asleep after a feed", FieldKind.TEXT)
    rec.set("children.0.see_awake_by", "01/01/2020", FieldKind.DATE)
    check = rec.run_check()
    assert check is not None and "children.0.see_awake_by" in check.fields()
    rec.set("children.0.see_awake_by", "09/03/2030", FieldKind.DATE)
    assert rec.visit.children[0].see_awake_by == date(2030, 3, 9)
    rec.set("children.0.see_awake_by", "soon", FieldKind.DATE)
    assert rec.field_errors["children.0.see_awake_by"] == "Type a date like 02/03/2026."


def test_another_language_asks_which_and_who_interpreted(rec):
    rec.go(Page(Step.VOICE, 0))
    rec.set("children.0.voice.communication", "VERBAL_OTHER_LANGUAGE", FieldKind.CHOICE)
    got = fields(rec)
    assert "children.0.voice.language" in got
    assert ("FAMILY_MEMBER", "A family member") in got["children.0.voice.interpreter"].choices
    rec.set("children.0.voice.language", "Polish", FieldKind.TEXT)
    rec.set("children.0.voice.interpreter", "PROFESSIONAL", FieldKind.CHOICE)
    assert fields(rec)["children.0.voice.interpreter_notes"].label.startswith("The interpreter")
    rec.set("children.0.voice.interpreter", "FAMILY_MEMBER", FieldKind.CHOICE)
    got = fields(rec)
    warning = got["children.0.voice.family_interpreter"]
    assert warning.kind == FieldKind.WARNING and "may not feel free" in warning.label
    assert got["children.0.voice.interpreter_notes"].label == (
        "Why no independent interpreter was used"
    )
    pid, _ = rec.context.known_people[0]
    assert (str(pid), rec.context.known_people[0][1]) in got[
        "children.0.voice.interpreter_person_id"
    ].choices
    rec.set("children.0.voice.interpreter_person_id", str(pid), FieldKind.CHOICE)
    voice = rec.visit.children[0].voice
    assert voice.interpreter == Interpreter.FAMILY_MEMBER and voice.interpreter_person_id == pid
    assert rec.visit.person(pid) is not None  # whoever interpreted was here
