"""Drafts, on the real services: one per household (starting a visit where one exists offers to
resume or discard it, unless another is asked for), and discarding from the list, confirmed.
A discard that fails deletes nothing and says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import flet as ft
import pytest

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.drafts import draft_for
from mobile.ui.views.shell import Shell
from models.ids import new_id
from models.visit import ChildOutcome, Visit
from synthetic import SyntheticCaseload
from tests.ui.conftest import PASSPHRASE
from tests.ui.flet_harness import Harness
from tests.ui.journey import household_of_two, submit_one


def _stored_drafts(app: AppViewModel) -> list[UUID]:
    assert app.services is not None
    return [d.visit_id for d in app.services.visits.drafts()]


def _draft(*children: UUID, minutes: int = 0) -> Visit:
    at = datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(minutes=minutes)
    return Visit.model_construct(
        visit_id=new_id(),
        created_on_device_at=at,
        children=[ChildOutcome(child_id=c) for c in children],
    )


def test_draft_for_finds_the_newest_draft_of_the_same_household() -> None:
    a, b, c = new_id(), new_id(), new_id()
    home, other = new_id(), new_id()
    homes = {a: home, b: home, c: other}
    old, new = _draft(a, minutes=0), _draft(b, minutes=5)
    assert draft_for([old, new], [a], homes) is new  # b lives with a: same household
    assert draft_for([old], [b], homes) is old
    assert draft_for([old, new], [c], homes) is None
    lone = new_id()
    assert draft_for([_draft(lone)], [lone], {lone: None}) is not None  # no household: same child
    assert draft_for([_draft(new_id())], [lone], {lone: None}) is None


@pytest.fixture
def home(app: AppViewModel, load: SyntheticCaseload) -> list[UUID]:
    kids = household_of_two(load)
    app.start_visit(kids)
    assert app.screen == Screen.VISIT
    app.go_caseload()
    app.open_child(kids[0])
    return kids


def test_starting_a_visit_where_a_draft_exists_offers_it_and_starts_nothing(
    app: AppViewModel, home: list[UUID]
) -> None:
    [draft_id] = _stored_drafts(app)
    assert app.child is not None
    app.child.toggle(home[1], False)  # only one of the two children this time: same household
    assert app.child.start_visit()
    assert app.screen == Screen.CHILD  # nothing new started
    assert _stored_drafts(app) == [draft_id]
    assert app.drafts_vm is not None and app.drafts_vm.offer is not None
    assert app.drafts_vm.offer.draft.visit_id == draft_id
    assert "Draft from " in app.drafts_vm.offer.draft.text
    app.drafts_vm.resume_offered()
    assert app.screen == Screen.VISIT and app.recorder is not None
    assert app.recorder.visit.visit_id == draft_id
    assert app.drafts_vm.offer is None


def test_discarding_the_offered_draft_is_confirmed_then_a_new_visit_starts(
    app: AppViewModel, home: list[UUID]
) -> None:
    [draft_id] = _stored_drafts(app)
    assert app.child is not None and app.drafts_vm is not None
    app.child.start_visit()
    app.drafts_vm.discard_offered()  # asks first
    assert app.drafts_vm.confirming_discard == draft_id
    assert _stored_drafts(app) == [draft_id] and app.screen == Screen.CHILD
    app.drafts_vm.cancel_discard()
    assert _stored_drafts(app) == [draft_id]
    app.drafts_vm.discard_offered()
    app.drafts_vm.discard_offered()  # confirmed
    assert app.screen == Screen.VISIT and app.recorder is not None
    [new] = _stored_drafts(app)
    assert new != draft_id and new == app.recorder.visit.visit_id


def test_another_draft_for_the_household_only_when_asked(
    app: AppViewModel, home: list[UUID]
) -> None:
    assert app.child is not None
    app.child.start_visit()
    app.drafts_vm.start_another()
    assert app.screen == Screen.VISIT
    assert len(_stored_drafts(app)) == 2


def test_a_draft_is_discarded_from_the_list_once_confirmed(
    app: AppViewModel, home: list[UUID], load: SyntheticCaseload
) -> None:
    app.go_caseload()
    [(draft_id, _words)] = app.draft_lines()
    assert app.caseload is not None and app.drafts_vm is not None
    app.drafts_vm.ask_discard(draft_id)
    app.drafts_vm.cancel_discard()
    assert _stored_drafts(app) == [draft_id]
    app.discard_draft(draft_id)  # asks
    assert _stored_drafts(app) == [draft_id]
    app.discard_draft(draft_id)  # confirmed
    assert _stored_drafts(app) == [] and app.draft_lines() == []
    assert app.drafts_vm.message == "Draft discarded."
    # Starting the household's visit now starts one: nothing left to offer.
    app.open_child(home[0])
    assert app.child is not None
    app.child.start_visit()
    assert app.screen == Screen.VISIT


def test_a_discard_that_fails_deletes_nothing_and_says_so(
    app: AppViewModel, home: list[UUID], session: Session
) -> None:
    [draft_id] = _stored_drafts(app)
    assert app.drafts_vm is not None
    app.drafts_vm.ask_discard(draft_id)
    session.lock()
    assert not app.drafts_vm.discard(draft_id)
    assert "locked" in app.drafts_vm.error.lower()
    session.unlock(PASSPHRASE)
    assert _stored_drafts(app) == [draft_id]


def test_a_submitted_visit_cannot_be_discarded(app: AppViewModel, load: SyntheticCaseload) -> None:
    visit_id = submit_one(app, load)
    assert app.drafts_vm is not None
    app.drafts_vm.ask_discard(visit_id)
    assert not app.drafts_vm.discard(visit_id)
    assert "amendment" in app.drafts_vm.error
    assert app.services is not None
    assert app.services.visits.get(visit_id).revision == 1


# The views -------------------------------------------------------------------------------------
@pytest.fixture
def ui(unlocked_ui: tuple[Harness, Shell], load: SyntheticCaseload):
    h, shell = unlocked_ui
    kids = household_of_two(load)
    shell.app.start_visit(kids)
    shell.app.go_caseload()
    return h, shell, kids


def _text_button(h: Harness, prefix: str) -> ft.TextButton:
    return h.one(
        ft.TextButton, lambda b: isinstance(b.content, str) and b.content.startswith(prefix)
    )


def test_the_caseload_lists_drafts_with_a_confirmed_discard(ui) -> None:
    h, shell, _kids = ui
    assert h.shows("Carry on recording")
    h.click(_text_button(h, "Discard draft ("))
    assert h.shows("Discard this draft? Everything in it is deleted from this device.")
    h.click(h.button("Keep it"))
    assert h.shows("Carry on recording") and not h.shows("Discard this draft?")
    h.click(_text_button(h, "Discard draft ("))
    h.click(h.button("Yes, discard it"))
    assert h.shows("Draft discarded.") and not h.shows("Carry on recording")
    assert shell.app.drafts == []


def test_the_child_screen_offers_the_household_s_draft(ui) -> None:
    h, shell, kids = ui
    shell.app.open_child(kids[0])
    h.click(h.button("Start visit"))
    assert h.shows("There is already a draft for this household.")
    assert not any(isinstance(c, ft.FilledButton) and c.content == "Start visit" for c in h.walk())
    h.click(h.button("Discard it and start again"))
    assert h.shows("Discard this draft?")
    h.click(h.button("Keep it"))
    h.click(h.button("Carry on with the draft"))
    assert shell.app.screen == Screen.VISIT
