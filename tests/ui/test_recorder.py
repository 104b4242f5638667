"""Recording a visit on the real services: every step asks what the rules need, drafts are saved
in the encrypted store, submit locks."""

from __future__ import annotations

import pytest

from mobile.services.session import Session
from mobile.services.visits import VisitService
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import REVIEW, FieldKind, Page
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from models.enums import ObservationCategory, RecordStatus, VoiceMethod, YesNo
from models.rules import Step
from synthetic import SyntheticCaseload
from tests.ui.conftest import PASSPHRASE, Clock
from tests.ui.journey import fill_people, household_of_two, record_complete_visit


@pytest.fixture
def rec(app: AppViewModel, load: SyntheticCaseload) -> VisitRecorder:
    app.start_visit(household_of_two(load))
    assert app.screen == Screen.VISIT and app.recorder is not None
    return app.recorder


def paths(rec: VisitRecorder) -> list[str]:
    return [f.path for f in rec.fields()]


def test_journey_pages_run_visit_each_child_people_concerns_review(rec: VisitRecorder) -> None:
    steps = [(p.step, p.child_index) for p in rec.pages]
    assert steps == [
        ("visit", None),
        ("child", 0), ("voice", 0), ("observations", 0),
        ("child", 1), ("voice", 1), ("observations", 1),
        ("people", None), ("concerns", None), (REVIEW, None),
    ]  # fmt: skip
    assert rec.progress_text == "Step 1 of 10"


def test_a_child_not_seen_is_asked_why_and_skips_voice_and_observations(rec: VisitRecorder) -> None:
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    assert "children.0.reason_not_seen" in paths(rec)
    assert "children.0.seen_alone" not in paths(rec)
    assert Page(Step.VOICE, 0) not in rec.pages
    rec.next()
    assert rec.page == Page(Step.CHILD, 1)


def test_with_another_carer_asks_who_and_where(rec: VisitRecorder) -> None:
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    who = next(f for f in rec.fields() if f.path == "other_carer.0")
    assert who.choices, "known people are offered"
    assert "children.0.other_carer_address" in paths(rec)
    rec.set("children.0.reason_not_seen", "OTHER", FieldKind.CHOICE)
    assert "children.0.reason_not_seen_other" in paths(rec)


def test_seen_child_is_asked_alone_why_not_where_awake_and_bedroom(rec: VisitRecorder) -> None:
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "YES", FieldKind.YES_NO)
    assert {"children.0.seen_alone", "children.0.child_awake", "children.0.bedroom_seen"} <= set(
        paths(rec)
    )
    rec.set("children.0.seen_alone", "NO", FieldKind.YES_NO)
    assert "children.0.reason_not_seen_alone" in paths(rec)
    rec.set("children.0.seen_alone", "YES", FieldKind.YES_NO)
    assert "children.0.seen_alone_where" in paths(rec)
    assert "children.0.reason_not_seen_alone" not in paths(rec)


def test_voice_keeps_own_words_verbatim_apart_from_analysis(rec: VisitRecorder) -> None:
    rec.go(Page(Step.VOICE, 0))
    rec.set("children.0.voice.communication", "VERBAL_ENGLISH", FieldKind.CHOICE)
    assert {
        "quotes.0",
        "children.0.voice.methods",
        "children.0.voice.practitioner_analysis",
    } <= set(paths(rec))
    rec.set(
        "quotes.0", "Dad's house is noisy at night\n\n  I want my own bed ", FieldKind.MULTILINE
    )
    rec.set("children.0.voice.practitioner_analysis", "Tired, worried", FieldKind.MULTILINE)
    voice = rec.visit.children[0].voice
    assert [q.text for q in voice.words_verbatim] == [
        "Dad's house is noisy at night",
        "I want my own bed",
    ]
    assert voice.practitioner_analysis == "Tired, worried"
    assert voice.wishes_and_feelings == ""


def test_pre_verbal_child_is_observation_only(rec: VisitRecorder) -> None:
    rec.go(Page(Step.VOICE, 0))
    rec.set("children.0.voice.communication", "PRE_VERBAL", FieldKind.CHOICE)
    assert "quotes.0" not in paths(rec)
    hint = next(f for f in rec.fields() if f.kind == FieldKind.HINT)
    assert hint.label.startswith("Observation only")
    assert rec.visit.children[0].voice.methods == [VoiceMethod.OBSERVATION_ONLY]


def test_observations_ask_about_each_carer_present(rec: VisitRecorder) -> None:
    rec.go(Page(Step.OBSERVATIONS, 0))
    assert any(f.kind == FieldKind.HINT for f in rec.fields())  # nobody present yet
    fill_people(rec)
    rec.go(Page(Step.OBSERVATIONS, 0))
    carer = rec.visit.persons_present[0]
    path = f"obs.0.INTERACTION_WITH_CARER.{carer.person_id}"
    assert path in paths(rec)
    rec.set(path, "Went to her for comfort", FieldKind.MULTILINE)
    rec.set("obs.0.HAZARDS", "Tablets on the kitchen table", FieldKind.MULTILINE)
    obs = {(o.category, o.about_person_id): o.text for o in rec.visit.children[0].observations}
    assert obs[(ObservationCategory.INTERACTION_WITH_CARER, carer.person_id)].startswith("Went")
    assert obs[(ObservationCategory.HAZARDS, None)] == "Tablets on the kitchen table"
    rec.set("obs.0.HAZARDS", "", FieldKind.MULTILINE)
    assert all(
        o.category != ObservationCategory.HAZARDS for o in rec.visit.children[0].observations
    )


def test_known_person_comes_prefilled_and_a_new_adult_is_a_prompt(rec: VisitRecorder) -> None:
    rec.go(Page(Step.PEOPLE))
    actions = [f.path for f in rec.fields() if f.kind == FieldKind.ACTION]
    assert "add_new" in actions and any(a.startswith("add_known.") for a in actions)
    pid, _ = rec.context.known_people[0]
    rec.act(f"add_known.{pid}")
    person = rec.visit.persons_present[0]
    assert person.person_id == pid and person.relationships
    assert person.role_in_care is not None  # from the caseload, to confirm
    rec.act("add_new")
    new = rec.visit.persons_present[1]
    assert new.is_new
    assert "persons_present.1.name" in paths(rec)
    check = rec.run_check()
    assert check is not None
    assert any("is new: give their name" in p.message for p in check.problems)
    rec.set("persons_present.1.role_in_care", "SHARED_CARER", FieldKind.CHOICE)
    assert f"care.{new.person_id}.{rec.child_id_at(0)}.pattern" in paths(rec)
    rec.act("remove_person.1")
    assert len(rec.visit.persons_present) == 1


def test_concerns_and_escalation(rec: VisitRecorder) -> None:
    rec.go(Page(Step.CONCERNS))
    rec.act("add_concern")
    assert "concerns_received.0.content" in paths(rec)
    rec.set("concerns_received.0.content", "Left alone in the evenings", FieldKind.MULTILINE)
    rec.set("concern_date.0", "01/03/2026", FieldKind.DATE)
    assert rec.visit.concerns_received[0].received_at is not None
    assert "escalation_notes" not in paths(rec)
    rec.set("safeguarding_concern_now", "REFERRAL_MADE", FieldKind.CHOICE)
    assert "escalation_notes" in paths(rec)


def _stored(app: AppViewModel, rec: VisitRecorder):
    assert app.services is not None
    visits: VisitService = app.services.visits
    return visits.get(rec.visit.visit_id)


def test_draft_saved_at_every_step_and_after_typing_pauses(
    app: AppViewModel, rec: VisitRecorder, clock: Clock
) -> None:
    assert _stored(app, rec).status == RecordStatus.DRAFT  # saved the moment it started
    rec.set("visit_purpose", "STATUTORY_VISIT", FieldKind.CHOICE)
    assert _stored(app, rec).visit_purpose is None
    rec.next()
    assert _stored(app, rec).visit_purpose == "STATUTORY_VISIT"
    rec.set("children.0.child_seen", "YES", FieldKind.YES_NO)
    assert not rec.tick()  # still typing
    assert _stored(app, rec).children[0].child_seen is None
    clock.advance(2)
    assert rec.tick()
    assert _stored(app, rec).children[0].child_seen == YesNo.YES
    assert not rec.tick()  # nothing new to save


def test_a_failed_save_keeps_everything_typed(
    app: AppViewModel, rec: VisitRecorder, session: Session
) -> None:
    session.lock()  # the store locks under the recorder: saving fails
    rec.set("location_description", "Grandmother's flat", FieldKind.TEXT)
    rec.next()
    assert "locked to keep records safe" in rec.error and "still here" in rec.error
    assert rec.visit.location_description == "Grandmother's flat"
    assert rec.dirty
    session.unlock(PASSPHRASE)
    assert rec.save() and rec.error == ""
    assert _stored(app, rec).location_description == "Grandmother's flat"


def test_an_unreadable_time_is_kept_as_typed_with_a_plain_message(rec: VisitRecorder) -> None:
    rec.set("when.start", "10:7", FieldKind.TIME)
    assert rec.value("when.start") == "10:7"
    assert rec.field_errors["when.start"] == "Type a time like 14:30."
    rec.set("when.start", "10:07", FieldKind.TIME)
    assert "when.start" not in rec.field_errors
    assert rec.visit.started_at is not None and rec.visit.started_at.minute == 7


def test_review_lists_every_problem_with_a_link_to_its_step(rec: VisitRecorder) -> None:
    rec.go(Page(REVIEW))
    assert rec.check_result is not None and not rec.check_result.ok
    steps = {p.step for p in rec.check_result.problems}
    assert {Step.VISIT, Step.CHILD} <= steps
    child_problem = next(p for p in rec.check_result.problems if p.step == Step.CHILD)
    rec.fix(child_problem)
    assert rec.page.step == Step.CHILD
    assert rec.page_problems()


def test_submit_blocked_shows_review(rec: VisitRecorder) -> None:
    assert not rec.submit()
    assert rec.page.is_review
    assert "before you can submit" in rec.error


def test_complete_visit_with_one_child_not_seen_submits_and_locks(
    app: AppViewModel, rec: VisitRecorder
) -> None:
    record_complete_visit(rec, not_seen={1})
    rec.go(Page(REVIEW))
    assert rec.check_result is not None
    assert rec.check_result.ok, [p.message for p in rec.check_result.problems]
    assert rec.submit()
    assert rec.locked and rec.visit.status == RecordStatus.SUBMITTED
    rec.set("location_description", "changed", FieldKind.TEXT)
    assert "amendment" in rec.error
    stored = _stored(app, rec)
    assert stored.status == RecordStatus.SUBMITTED and stored.revision == 1
    assert stored.location_description == ""
    assert stored.children[1].child_seen == YesNo.NO
    assert app.services is not None
    assert [r.status for r in app.services.sync.records()] == ["pending"]
