"""The Flet views in-process: build the real control tree, fire handlers, read what it shows."""

from __future__ import annotations

from collections.abc import Iterator

import flet as ft
import pytest

from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.views.shell import Shell
from models.synthetic import SyntheticCaseload
from tests.ui.fakes import PIN, FakeSession
from tests.ui.flet_harness import Harness


@pytest.fixture
def ui(session: FakeSession, clock) -> Iterator[tuple[Harness, Shell]]:
    h = Harness()
    app = AppViewModel(session=session, clock=clock)
    shell = Shell(h.page, app, background=lambda fn: fn(), tick_s=None)
    shell.start()
    yield h, shell
    h.close()


def _unlock(h: Harness) -> None:
    h.type(h.field("PIN or passphrase"), PIN)
    h.click(h.button("Unlock"))


def test_unlock_screen_and_a_wrong_pin(ui, clock) -> None:
    h, shell = ui
    assert h.page.title == "Seen & Heard"
    assert h.page.navigation_bar is None  # nothing to navigate to while locked
    h.type(h.field("PIN or passphrase"), "0000")
    h.click(h.button("Unlock"))
    assert h.shows("4 tries left") and h.shows("Try again in 2 seconds")
    assert h.field("PIN or passphrase").value == "0000"
    clock.advance(2)
    shell.tick()
    assert not h.shows("Try again in")


def test_unlock_opens_caseload_with_search_and_overdue_first(ui, load: SyntheticCaseload) -> None:
    h, shell = ui
    _unlock(h)
    assert shell.app.screen == Screen.CASELOAD
    assert h.page.navigation_bar is not None
    tiles = h.find(ft.ListTile)
    assert len(tiles) == len(load.children)
    name = load.children[3].name
    h.type(h.field("Search by name"), name)
    assert all(name in t.title for t in h.find(ft.ListTile))  # type: ignore[operator]
    assert h.field("Search by name").value == name


def test_open_child_and_record_a_step(ui, load: SyntheticCaseload) -> None:
    h, shell = ui
    _unlock(h)
    h.click(h.find(ft.ListTile)[0])
    assert shell.app.screen == Screen.CHILD
    h.click(h.button("Start visit"))
    assert shell.app.screen == Screen.VISIT
    assert h.shows("The visit") and h.shows("Step 1 of")
    h.type(h.field("Started at"), "10:7")
    assert h.field("Started at").value == "10:7"  # kept as typed
    h.fire(h.field("Started at"), "blur")
    assert h.field("Started at").error == "Type a time like 14:30."
    h.choose(h.group("Was the visit announced?"), "true")
    assert shell.app.recorder is not None and shell.app.recorder.visit.announced is True
    assert h.field("Started at").value == "10:7"  # redraw keeps what was typed
    h.click(h.button("Next"))
    assert h.shows(": seen?")
    h.choose(
        h.group(next(t for t in h.texts() if t.startswith("Was ") and t.endswith(" seen?"))), "NO"
    )
    assert any(s.label == "Why not?" for s in h.find(ft.Semantics))


def test_review_lists_problems_that_link_to_their_step(ui) -> None:
    h, shell = ui
    _unlock(h)
    h.click(h.find(ft.ListTile)[0])
    h.click(h.button("Start visit"))
    rec = shell.app.recorder
    assert rec is not None
    rec.go(rec.pages[-1])
    assert h.shows("still needed")
    problem = h.one(ft.ListTile, lambda t: t.title == "Choose what the visit was for.")
    h.click(problem)
    assert rec.page.step == "visit"
    assert h.shows("Still needed here:")


def test_sync_screen_never_says_done_while_pending(ui, session: FakeSession) -> None:
    h, shell = ui
    _unlock(h)
    nav = h.page.navigation_bar
    assert isinstance(nav, ft.NavigationBar)
    nav.selected_index = 1
    h.fire(nav, "change", "1")
    assert shell.app.screen == Screen.SYNC
    assert h.shows("Nothing to send yet.")
    h.click(h.button("Sync now"))
    assert not h.shows("Syncing")


def test_settings_lock_now_returns_to_unlock(ui, session: FakeSession) -> None:
    h, shell = ui
    _unlock(h)
    lock = h.one(ft.IconButton, lambda b: b.tooltip == "Lock now")
    h.click(lock)
    assert shell.app.screen == Screen.UNLOCK and not session.is_unlocked
    assert h.shows("Locked to keep records safe")


def test_every_handler_marks_activity(ui, session: FakeSession) -> None:
    h, _shell = ui
    _unlock(h)
    before = session.touches
    h.type(h.field("Search by name"), "x")
    assert session.touches == before + 1


def test_every_input_has_an_accessible_name(ui) -> None:
    h, shell = ui
    _unlock(h)
    h.click(h.find(ft.ListTile)[0])
    h.click(h.button("Start visit"))
    rec = shell.app.recorder
    assert rec is not None
    for page in rec.pages:
        rec.go(page)
        for field in h.find(ft.TextField):
            assert field.label, "a text field without a label"
        for group in h.find(ft.RadioGroup):
            assert group is not None
        for button in h.find(ft.IconButton):
            assert button.tooltip
