"""The review as a check-your-answers page, on the real services: problems grouped by child and
step, most important first; each link lands on the field that answers it; a readback of what
will be locked; and a retry when the check itself failed, with nothing typed lost."""

from __future__ import annotations

import flet as ft
import pytest

from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import REVIEW, FieldKind, FieldSpec, Page
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from mobile.ui.viewmodels.visit.review import landing_field
from mobile.ui.views.shell import Shell
from models.rules import Problem, Step
from synthetic import SyntheticCaseload
from tests.ui.conftest import PASSPHRASE
from tests.ui.flet_harness import Harness
from tests.ui.journey import fill_people, household_of_two, record_complete_visit


@pytest.fixture
def rec(app: AppViewModel, load: SyntheticCaseload) -> VisitRecorder:
    app.start_visit(household_of_two(load))
    assert app.recorder is not None
    return app.recorder


def test_problems_are_grouped_by_page_with_whether_each_child_was_seen_first(
    rec: VisitRecorder,
) -> None:
    rec.go(Page(REVIEW))
    check = rec.check_result
    assert check is not None and not check.ok
    groups = rec.problem_groups()
    # Every problem once, in exactly one group; a group per page, titled as that page is.
    assert sorted(p.message for g in groups for p in g.problems) == sorted(
        p.message for p in check.problems
    )
    assert len({g.page for g in groups}) == len(groups)
    names = [rec.context.child_name(rec.visit, i) for i in range(2)]
    assert [g.title for g in groups[:2]] == [f"{names[0]}: seen?", f"{names[1]}: seen?"]
    assert groups[-1].title == "The visit"  # the visit's own details come last
    assert groups[0].problems[0].message == f"Say whether {names[0]} was seen."


def test_each_link_lands_on_a_field_of_the_page_it_opens(rec: VisitRecorder) -> None:
    rec.go(Page(REVIEW))
    assert rec.check_result is not None
    for problem in rec.check_result.problems:
        rec.fix(problem)
        assert rec.landing is not None, problem.message
        assert rec.landing in [f.path for f in rec.fields()], problem.message
        rec.landing = None
    ended = next(p for p in rec.check_result.problems if p.field == "ended_at")
    rec.fix(ended)
    assert rec.page == Page(Step.VISIT) and rec.landing == "when.end"


def test_describe_how_a_child_was_with_a_carer_lands_on_that_carer_s_box(
    rec: VisitRecorder,
) -> None:
    fill_people(rec)
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "YES", FieldKind.YES_NO)
    rec.go(Page(REVIEW))
    assert rec.check_result is not None
    with_carer = next(p for p in rec.check_result.problems if " was with " in p.message)
    rec.fix(with_carer)
    assert rec.page == Page(Step.OBSERVATIONS, 0)
    assert rec.landing is not None and ".INTERACTION_WITH_CARER." in rec.landing


def test_landing_falls_back_to_the_first_question_never_to_a_hint() -> None:
    specs = [
        FieldSpec("x.hint", "Read this", FieldKind.HINT),
        FieldSpec("a.b", "First", FieldKind.TEXT),
        FieldSpec("a.c", "Second", FieldKind.TEXT),
    ]
    assert landing_field(Problem("zzz", "Something", Step.VISIT), specs) == "a.b"
    assert landing_field(Problem("a.c.d", "Something", Step.VISIT), specs) == "a.c"
    assert landing_field(Problem("q", "Fill in second please", Step.VISIT), specs) == "a.c"
    assert landing_field(Problem("q", "x", Step.VISIT), specs[:1]) is None


def test_the_summary_reads_back_what_will_be_locked(rec: VisitRecorder) -> None:
    record_complete_visit(rec, not_seen={1})
    rec.go(Page(REVIEW))
    assert rec.check_result is not None and rec.check_result.ok
    lines = {line.heading: line.text for line in rec.summary()}
    names = [rec.context.child_name(rec.visit, i) for i in range(2)]
    assert lines[names[0]] == "Seen, not seen alone; 2 things they said."
    assert lines[names[1]] == "Not seen: At school or nursery."
    assert "02 Mar 2026 10:00 to 10:25" in lines["The visit"]
    assert lines["Who was here"] == rec.visit.persons_present[0].name
    assert lines["Concerns"].startswith("Concern now: ")


def fail_next_check(rec: VisitRecorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself breaks once (as a store read might), then works again."""
    service = rec._visits
    real = service.check

    def broken(visit):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(service, "check", real)
        raise OSError("disk went away")

    monkeypatch.setattr(service, "check", broken)


def test_a_check_that_fails_offers_a_retry_and_keeps_every_answer(
    app: AppViewModel, rec: VisitRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec.set("location_description", "Grandmother's flat", FieldKind.TEXT)
    fail_next_check(rec, monkeypatch)
    rec.go(Page(REVIEW))
    assert rec.check_result is None and rec.check_failed
    assert rec.error and "disk" not in rec.error  # plain words, never the exception's text
    assert rec.visit.location_description == "Grandmother's flat"
    assert app.services is not None
    stored = app.services.visits.get(rec.visit.visit_id)
    assert stored.location_description == "Grandmother's flat"  # saved before the check
    rec.retry_check()
    assert rec.check_result is not None and not rec.check_failed
    assert rec.error == ""
    assert rec.visit.location_description == "Grandmother's flat"


def test_reopened_at_the_review_after_locking_it_is_checked_again(
    app: AppViewModel, rec: VisitRecorder
) -> None:
    rec.go(Page(REVIEW))
    app.lock()
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock()
    assert app.screen == Screen.VISIT and app.recorder is not None
    assert app.recorder.page.is_review
    assert app.recorder.check_result is not None  # never "could not be checked" with no way on


# The view ------------------------------------------------------------------------------------
@pytest.fixture
def ui(unlocked_ui: tuple[Harness, Shell], load: SyntheticCaseload):
    h, shell = unlocked_ui
    shell.app.start_visit(household_of_two(load))
    return h, shell


def test_review_page_shows_groups_summary_and_links_that_land_on_the_field(ui) -> None:
    h, shell = ui
    rec = shell.app.recorder
    assert rec is not None
    rec.go(Page(REVIEW))
    headings = [g.title for g in rec.problem_groups()]
    assert all(h.shows(t) for t in headings)
    assert h.shows("What submitting will lock") and h.shows("Who was here")
    tiles = h.find(ft.ListTile, lambda t: t.title == "Enter when the visit ended.")
    assert len(tiles) == 1 and (tiles[0].min_height or 0) >= 48
    h.click(tiles[0])
    assert rec.page == Page(Step.VISIT)
    view = shell.view
    landed = getattr(view, "landed", None)
    assert isinstance(landed, ft.TextField) and landed.label == "Ended at"
    keyed = [c for c in view.body.controls if landed is c or landed in getattr(c, "controls", [])]
    assert len(keyed) == 1 and isinstance(keyed[0].key, ft.ScrollKey)
    assert str(keyed[0].key).endswith("when.end")  # the scroll lands on the row with its picker


def test_review_page_retry_button_after_a_failed_check(ui, monkeypatch: pytest.MonkeyPatch) -> None:
    h, shell = ui
    rec = shell.app.recorder
    assert rec is not None
    fail_next_check(rec, monkeypatch)
    rec.go(Page(REVIEW))
    assert h.shows("The record could not be checked. Your answers are kept.")
    h.click(h.button("Check again"))
    assert rec.check_result is not None
    assert h.shows("still needed")
