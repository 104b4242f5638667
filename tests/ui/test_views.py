"""The Flet views in-process over the real services: build the real control tree, fire handlers,
read what it shows."""

from __future__ import annotations

from datetime import timedelta

import flet as ft

from mobile.services.session import Session
from mobile.ui.viewmodels.app import Screen
from synthetic import SyntheticCaseload
from tests.services.conftest import Network
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE, Clock, idle
from tests.ui.flet_harness import Harness


def _unlock(h: Harness) -> None:
    h.type(h.field("PIN or passphrase"), PASSPHRASE)
    h.click(h.button("Unlock"))


def test_unlock_screen_and_wrong_pins(ui, clock: Clock, world: World) -> None:
    h, shell = ui
    assert h.page.title == "Seen & Heard"
    assert h.page.navigation_bar is None  # nothing to navigate to while locked
    h.type(h.field("PIN or passphrase"), "not my passphrase")
    h.click(h.button("Unlock"))
    assert h.shows("9 tries left")
    h.click(h.button("Unlock"))
    h.click(h.button("Unlock"))
    assert h.shows("7 tries left") and h.shows("Try again in 30 seconds")
    assert h.button("Unlock").disabled
    assert h.field("PIN or passphrase").value == "not my passphrase"
    clock.advance(30)
    world.clock.advance(timedelta(seconds=30))
    shell.tick()
    assert not h.shows("Try again in")
    assert not h.button("Unlock").disabled
    _unlock(h)
    assert shell.app.screen == Screen.CASELOAD


def test_unlock_opens_caseload_with_search_and_overdue_first(ui, load: SyntheticCaseload) -> None:
    h, shell = ui
    _unlock(h)
    assert shell.app.screen == Screen.CASELOAD
    assert h.page.navigation_bar is not None
    tiles = h.find(ft.ListTile)
    assert len(tiles) == len(load.children)
    name = load.children[3].name
    h.type(h.field("Search by name"), name)
    assert all(name in str(t.title) for t in h.find(ft.ListTile))
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
    h.click(h.button("Continue"))
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


def _tab(h: Harness, index: int) -> None:
    nav = h.page.navigation_bar
    assert isinstance(nav, ft.NavigationBar)
    nav.selected_index = index
    h.fire(nav, "change", str(index))


def test_sync_screen_never_says_done_while_pending(
    ui, load: SyntheticCaseload, network: Network
) -> None:
    h, shell = ui
    _unlock(h)
    _tab(h, 1)
    assert shell.app.screen == Screen.SYNC
    assert h.shows("Nothing to send yet.")
    assert shell.app.caseload is not None and shell.app.caseload.rows
    from tests.ui.journey import submit_one

    submit_one(shell.app, load)
    shell.app.open_sync()
    assert h.shows("1 record waiting for the central record")
    assert h.shows(" · waiting under a minute") and h.shows("Not sent yet")  # saved, not tried
    network.up = False
    h.click(h.button("Sync now"))
    assert h.shows("No connection to the central record")
    assert h.shows("Waiting to send") or h.shows("Sent, waiting for receipt")
    network.up = True
    h.click(h.button("Sync now"))
    assert not h.shows("Syncing")
    assert h.shows("Everything is acknowledged by the central record.")
    assert h.shows("Acknowledged. Receipt ")


def test_settings_lock_now_returns_to_unlock(ui, session: Session) -> None:
    h, shell = ui
    _unlock(h)
    lock = h.button("Lock")  # the app bar's, named by its word
    h.click(lock)
    assert shell.app.screen == Screen.UNLOCK and not session.is_unlocked
    assert h.shows("Locked to keep records safe")


def test_every_handler_marks_activity(ui, world: World) -> None:
    h, shell = ui
    _unlock(h)
    idle(world, minutes=4)
    h.type(h.field("Search by name"), "x")  # a keystroke is activity
    idle(world, minutes=4)
    shell.tick()
    assert shell.app.screen == Screen.CASELOAD
    idle(world, minutes=2)
    shell.tick()
    assert shell.app.screen == Screen.UNLOCK
    assert h.shows("Locked to keep records safe")


def test_settings_shows_about_and_changes_the_pin(ui, session: Session) -> None:
    h, shell = ui
    _unlock(h)
    _tab(h, 2)
    assert shell.app.screen == Screen.SETTINGS
    assert h.shows(str(session.about().device_id))
    h.type(h.field("Current PIN or passphrase"), PASSPHRASE)
    h.type(h.field("New PIN or passphrase"), "1234")
    h.type(h.field("New one again"), "1234")
    h.click(h.button("Change PIN"))
    assert h.shows("numbers alone is not safe enough")
    assert h.field("New PIN or passphrase").value == "1234"  # kept
    h.type(h.field("New PIN or passphrase"), "copper kettle harbour")
    h.type(h.field("New one again"), "copper kettle harbour")
    h.click(h.button("Change PIN"))
    assert h.shows("Changed. Use the new one next time you unlock.")


def test_child_screen_lists_people_and_acknowledges_a_concern(ui, load: SyntheticCaseload) -> None:
    h, shell = ui
    _unlock(h)
    concern = load.concerns[0]
    child = next(c for c in load.children if c.child_id == concern.children_concerned[0])
    h.type(h.field("Search by name"), child.name)
    h.click(h.one(ft.ListTile, lambda t: str(t.title).startswith(child.name + ",")))
    assert shell.app.screen == Screen.CHILD
    assert h.shows("People on record")
    names = {p.person_id: p.name for p in load.people}
    assert all(h.shows(names[link.person_id]) for link in child.links)
    assert h.shows("Concern to acknowledge")
    h.click(h.button("Acknowledge concern"))
    assert h.field("What you did about it").error  # required: nothing is sent without it
    h.type(h.field("What you did about it"), "Phoned grandmother back")
    h.click(h.button("Acknowledge concern"))
    assert h.shows("Acknowledge this concern?")
    h.click(h.button("Yes, acknowledge"))
    assert h.shows("Acknowledged: it stays in this child's history.")
    assert not h.shows("Concern to acknowledge")
    assert h.shows("Concerns acknowledged")
    assert h.shows("What was done: Phoned grandmother back")


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


def test_each_visit_step_starts_at_its_top_and_typing_keeps_the_place(ui) -> None:
    h, shell = ui
    _unlock(h)
    h.click(h.find(ft.ListTile)[0])
    h.click(h.button("Start visit"))
    view = shell.view
    assert view is not None
    first = view.root.controls[0]
    h.type(h.field("Started at"), "10:00")
    assert view.root.controls[0] is first  # same step: the same scroll position
    h.click(h.button("Continue"))
    assert view.root.controls[0] is not first  # a new step: a new scrolling column
    assert h.shows("Step 2 of")


def test_an_expired_sign_in_is_renewed_from_the_sync_screen(
    ui, session: Session, world: World
) -> None:
    h, shell = ui
    _unlock(h)
    shell.app.open_sync()
    assert not _shown_button(h, "Enter a new enrolment code")
    world.clock.advance(timedelta(days=100))
    session.lock()
    session.unlock(PASSPHRASE)
    h.click(h.button("Sync now"))
    assert h.shows("expired")
    h.click(h.button("Enter a new enrolment code"))
    assert shell.app.screen == Screen.ENROL and h.shows("Everything on this device stays")
    h.type(h.field("Enrolment code"), world.code_for(world.worker))
    h.click(h.button("Next"))
    assert shell.app.screen == Screen.SYNC
    h.click(h.button("Sync now"))
    assert not _shown_button(h, "Enter a new enrolment code")
    assert not h.shows("expired") and h.shows("Nothing to send yet.")


def _shown_button(h: Harness, text: str) -> bool:
    return bool(h.find(ft.FilledButton, lambda b: b.content == text))
