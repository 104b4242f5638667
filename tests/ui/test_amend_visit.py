"""Amending a submitted visit from the visit itself, on the real services: the same steps and
controls as recording, what was recorded beside each changed answer, every change listed with
the reason required, and nothing changed lost when saving fails or the app locks."""

from __future__ import annotations

from uuid import UUID

import flet as ft
import pytest

from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import REVIEW, FieldKind, Page
from mobile.ui.viewmodels.visit.amending import AmendRecorder, visit_changes
from models.enums import RecordStatus, YesNo
from models.rules import Step
from models.visit import ChildOutcome, Visit
from synthetic import SyntheticCaseload
from tests.ui.conftest import PASSPHRASE
from tests.ui.journey import submit_one


@pytest.fixture
def amending(app: AppViewModel, load: SyntheticCaseload) -> tuple[AmendRecorder, UUID]:
    visit_id = submit_one(app, load, not_seen={1})
    app.amend_visit(visit_id)
    assert app.screen == Screen.VISIT and isinstance(app.recorder, AmendRecorder)
    return app.recorder, visit_id


def test_the_same_steps_and_controls_as_recording(amending) -> None:
    rec, _ = amending
    assert [p.step for p in rec.pages][:2] == [Step.VISIT, Step.CHILD]
    assert rec.progress_text.startswith("Amending: step 1 of")
    rec.go(Page(Step.CHILD, 1))
    kinds = {f.path: f.kind for f in rec.fields()}
    assert kinds["children.1.child_seen"] == FieldKind.YES_NO  # a choice, not a text box
    assert kinds["children.1.reason_not_seen"] == FieldKind.CHOICE
    assert not any(p.startswith("children.1.voice") for p in kinds)  # nothing for a child not seen


def test_a_changed_answer_shows_what_was_recorded_and_the_review_lists_it(amending) -> None:
    rec, _ = amending
    rec.go(Page(Step.CHILD, 1))
    rec.set("children.1.reason_not_seen", "CHILD_ASLEEP_NOT_WOKEN", FieldKind.CHOICE)
    assert rec.was("children.1.reason_not_seen") == "CHILD_AT_SCHOOL_OR_NURSERY"
    assert rec.original.children[1].reason_not_seen == "CHILD_AT_SCHOOL_OR_NURSERY"  # untouched
    rec.go(Page(REVIEW))
    assert rec.title == "Check and save the amendment"
    [line] = rec.change_lines()
    name = rec.context.child_name(rec.visit, 1)
    assert (line.where, line.label) == (f"{name}: seen?", "Why not?")
    assert (line.was, line.now) == ("At school or nursery", "Asleep, not woken")


def test_the_reason_is_required_and_nothing_is_stored_without_it(
    app: AppViewModel, amending
) -> None:
    rec, visit_id = amending
    rec.go(Page(REVIEW))
    assert not rec.submit()
    assert "Nothing has changed" in rec.error and "Say why" in rec.reason_error
    rec.go(Page(Step.VISIT))
    rec.set("announced", "false", FieldKind.YES_NO)
    rec.go(Page(REVIEW))
    assert not rec.submit()
    assert rec.error == "" and "Say why" in rec.reason_error
    assert app.services is not None
    assert app.services.visits.get(visit_id).revision == 1
    rec.set_reason("It was not announced: I misremembered")
    assert rec.submit(), rec.error
    stored = app.services.visits.get(visit_id)
    assert stored.revision == 2 and stored.status == RecordStatus.AMENDED
    assert stored.announced is False
    assert rec.locked and "Amendment saved" in rec.message


def test_correcting_seen_to_not_seen_asks_why_and_amends_with_the_reason(
    app: AppViewModel, amending
) -> None:
    rec, visit_id = amending
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    assert "children.0.reason_not_seen" in [f.path for f in rec.fields()]
    rec.go(Page(REVIEW))
    assert rec.check_result is not None and not rec.check_result.ok  # the rules still hold
    rec.set_reason("Recorded against the wrong child")
    assert not rec.submit()
    assert rec.error  # refused, in words: why not seen is missing
    assert rec.visit.children[0].child_seen == YesNo.NO  # kept, to fix
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.reason_not_seen", "CHILD_AT_SCHOOL_OR_NURSERY", FieldKind.CHOICE)
    rec.go(Page(Step.VISIT))
    rec.set("visit_outcome", "COMPLETED_NOT_ALL_CHILDREN_SEEN", FieldKind.CHOICE)
    rec.go(Page(REVIEW))
    assert rec.submit(), rec.error
    assert app.services is not None
    stored = app.services.visits.get(visit_id)
    assert stored.children[0].child_seen == YesNo.NO
    assert stored.children[0].seen_alone is None  # answers no longer asked are pruned


def test_changes_are_kept_when_the_app_locks(app: AppViewModel, amending) -> None:
    rec, visit_id = amending
    rec.go(Page(Step.VISIT))
    rec.set("announced", "false", FieldKind.YES_NO)
    rec.set_reason("Not announced after all")
    app.lock()
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock()
    again = app.recorder
    assert isinstance(again, AmendRecorder) and again.original.visit_id == visit_id
    assert again.visit.announced is False and again.reason == "Not announced after all"


def test_visit_changes_lists_each_leaf_once() -> None:
    a = Visit.model_construct(children=[ChildOutcome.model_construct(child_id=UUID(int=1))])
    before = a.model_copy(deep=True)
    after = a.model_copy(deep=True)
    after.children[0].child_seen = YesNo.NO
    assert [(c.field_path, c.old_value, c.new_value) for c in visit_changes(before, after)] == [
        ("children.0.child_seen", None, "NO")
    ]


# The view ------------------------------------------------------------------------------------
def test_amend_from_the_submitted_visit_on_screen(unlocked_ui, load: SyntheticCaseload) -> None:
    h, shell = unlocked_ui
    app = shell.app
    visit_id = submit_one(app, load, not_seen={1})
    assert h.shows("Submitted and locked")
    h.click(h.button("Amend this visit"))
    rec = app.recorder
    assert isinstance(rec, AmendRecorder) and h.shows("Amending: step 1 of")
    h.choose(h.group("Was the visit announced?"), "false")
    assert h.shows("Recorded as: Yes")
    rec.go(Page(REVIEW))
    assert h.shows("What you changed") and h.shows("Now: No")
    h.click(h.button("Save amendment"))
    assert h.field("Why you are amending it").error  # required
    h.type(h.field("Why you are amending it"), "It was not announced")
    assert h.field("Why you are amending it").error is None  # typing clears it at once
    h.click(h.button("Save amendment"))
    assert h.shows("Amendment saved")
    assert app.services is not None and app.services.visits.get(visit_id).revision == 2


@pytest.mark.parametrize("reason", ["Misread\x00it", "Misread \udc00 it"])
def test_an_unstorable_reason_is_refused_in_words_and_kept(
    app: AppViewModel, amending, reason: str
) -> None:
    rec, visit_id = amending
    rec.go(Page(Step.VISIT))
    rec.set("announced", "false", FieldKind.YES_NO)
    rec.go(Page(REVIEW))
    rec.set_reason(reason)
    assert not rec.submit()
    assert rec.error and "\x00" not in rec.error and "Misread" not in rec.error
    assert rec.error.startswith("The reason: this text contains a ")
    assert rec.reason == reason and rec.visit.announced is False  # kept to fix
    assert app.services is not None and app.services.visits.get(visit_id).revision == 1


def test_an_unstorable_answer_is_kept_as_typed_and_never_saved(app: AppViewModel, amending) -> None:
    rec, visit_id = amending
    rec.go(Page(Step.VISIT))
    rec.set("location_description", "Flat\x00 2", FieldKind.TEXT)
    assert rec.field_errors["location_description"]  # the recorder's words, in place
    assert rec.value("location_description") == "Flat\x00 2"  # kept, to fix
    rec.go(Page(REVIEW))
    rec.set_reason("Where it was")
    assert not rec.submit() and "could not be read" in rec.error
    assert app.services is not None and app.services.visits.get(visit_id).revision == 1


def test_the_settings_list_of_visits_opens_the_same_amend_steps(
    unlocked_ui, load: SyntheticCaseload
) -> None:
    h, shell = unlocked_ui
    app = shell.app
    visit_id = submit_one(app, load)
    app.go_caseload()
    app.open_amend()
    tile = h.one(ft.ListTile, lambda t: str(t.title).startswith("Visit "))
    h.click(tile)
    assert app.screen == Screen.VISIT and isinstance(app.recorder, AmendRecorder)
    assert app.recorder.original.visit_id == visit_id and h.shows("Amending: step 1 of")
    assert not h.find(ft.TextField, lambda f: f.label == "Reason for the amendment")
