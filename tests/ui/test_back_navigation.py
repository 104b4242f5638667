"""Back means back (issue 12, item 13): each screen and each step of a visit has a route; back goes to
the previous step or screen, from the browser's history or Android's back gesture; a link into the
app opens only after unlock, and a link that names nothing opens the caseload."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import uuid4

import flet as ft
import pytest

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import Page
from mobile.ui.viewmodels.routes import HOME, can_go_back, go_back, open_route, route_of
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from mobile.ui.views.shell import Shell
from models.rules import Step
from tests.ui.conftest import PASSPHRASE, Clock
from tests.ui.flet_harness import Harness


def _first_child(app: AppViewModel):
    assert app.caseload is not None and app.caseload.rows
    return app.caseload.rows[0].child_id


def test_each_screen_and_step_has_a_route_and_back_walks_them_in_reverse(
    app: AppViewModel,
) -> None:
    assert route_of(app) == HOME and not can_go_back(app)
    assert go_back(app) is False and app.screen == Screen.CASELOAD
    child_id = _first_child(app)
    app.open_child(child_id)
    assert route_of(app) == f"/child/{child_id}"
    assert app.child is not None
    app.child.start_visit()
    rec = app.recorder
    assert rec is not None
    visit_id = rec.visit.visit_id
    assert route_of(app) == f"/visit/{visit_id}/visit"
    rec.next()
    assert route_of(app) == f"/visit/{visit_id}/child/0"
    assert go_back(app) and rec.page == Page(Step.VISIT)  # the previous step
    assert go_back(app) and app.screen == Screen.CHILD  # the child it was started from
    assert app.recorder is None and app.drafts  # the draft was kept
    assert go_back(app) and app.screen == Screen.CASELOAD
    app.open_sync()
    assert route_of(app) == "/sync" and go_back(app) and app.screen == Screen.CASELOAD
    app.open_settings()
    app.open_amend()
    assert route_of(app) == "/amend" and go_back(app) and app.screen == Screen.SETTINGS


def test_a_route_opens_the_step_it_names_and_a_draft_reopens_from_its_route(
    app: AppViewModel,
) -> None:
    app.start_visit([_first_child(app)])
    rec = app.recorder
    assert rec is not None
    rec.set("visit_purpose", "STATUTORY_VISIT")
    visit_id = rec.visit.visit_id
    assert open_route(app, f"/visit/{visit_id}/child/0") and rec.page == Page(Step.CHILD, 0)
    assert open_route(app, HOME) and app.recorder is None  # saved and put down
    assert open_route(app, f"/visit/{visit_id}/people")
    assert app.recorder is not None and app.recorder.page == Page(Step.PEOPLE)
    assert str(app.recorder.visit.visit_purpose) == "STATUTORY_VISIT"


@pytest.mark.parametrize(
    "route",
    [
        f"/child/{uuid4()}",  # a child not on this device
        "/child/not-an-id",
        f"/visit/{uuid4()}/visit",
        "/visit/x/visit/0",
        "/child/\x00",
        "/child/\ud800",
        "/" + "x" * 100_000,
        "/admin",
    ],
)
def test_a_route_that_names_nothing_here_opens_the_caseload(app: AppViewModel, route: str) -> None:
    app.open_sync()
    assert open_route(app, route) is False
    assert app.screen == Screen.CASELOAD and app.child is None and app.recorder is None


def test_a_link_opens_only_after_unlock(session: Session, clock: Clock) -> None:
    app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
    app.start()
    link = "/sync"
    assert open_route(app, link) is False
    assert app.screen == Screen.UNLOCK and app.services is None  # nothing opens while locked
    assert route_of(app) is None and go_back(app) is False
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock()
    assert app.screen == Screen.SYNC and app.pending_route == ""
    app.lock()
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock() and app.screen == Screen.CASELOAD  # the link was used once


def test_the_view_stack_pops_and_the_browser_history_goes_back(ui) -> None:
    h, shell = ui
    app = shell.app
    assert len(h.page.views) == 1 and h.routes == []  # locked: no route is pushed
    h.type(h.field("PIN or passphrase"), PASSPHRASE)
    h.click(h.button("Unlock"))
    assert h.routes == [HOME] and len(h.page.views) == 1
    child_id = _first_child(app)
    app.open_child(child_id)
    assert h.routes[-1] == f"/child/{child_id}"
    assert len(h.page.views) == 2 and h.page.views[-1].route == f"/child/{child_id}"
    assert h.shows("Start visit") and h.shows("Visits, newest first")
    assert h.shows("No visits on this device yet.")
    h.click(h.button("Start visit"))
    step_one = h.routes[-1]
    assert step_one.endswith("/visit")
    h.click(h.button("Continue"))
    assert h.routes[-1].endswith("/child/0")
    h.route(step_one)  # the browser's back button
    assert app.recorder is not None and app.recorder.page == Page(Step.VISIT)
    assert h.shows("Step 1 of")
    h.pop()  # Android's back gesture on the first step: the child again
    assert app.screen == Screen.CHILD and h.shows("Start visit")
    h.pop()
    assert app.screen == Screen.CASELOAD and len(h.page.views) == 1
    assert h.page.views[0].navigation_bar is not None


def test_a_deep_link_at_start_waits_for_unlock(session: Session, clock: Clock) -> None:
    h = Harness()
    try:
        h.page.route = "/sync"  # the app was opened at this address
        app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
        shell = Shell(
            h.page, app, background=lambda fn: fn(), tick_s=None, navigate=h.routes.append
        )
        shell.start()
        assert app.screen == Screen.UNLOCK and not h.shows("Sync now")
        h.type(h.field("PIN or passphrase"), PASSPHRASE)
        h.click(h.button("Unlock"))
        assert app.screen == Screen.SYNC
    finally:
        h.close()


def test_the_passphrase_is_shown_and_hidden_by_a_button_named_in_words(ui) -> None:
    h, _shell = ui
    field = h.field("PIN or passphrase")
    assert field.password and field.can_reveal_password is False  # Flet's unnamed icon: not used
    show = h.button("Show")
    h.click(show)
    assert field.password is False and h.button("Hide") is show
    h.click(show)
    assert field.password is True and h.button("Show") is show


def _visit_started(h: Harness, shell: Shell) -> VisitRecorder:
    h.type(h.field("PIN or passphrase"), PASSPHRASE)
    h.click(h.button("Unlock"))
    shell.app.start_visit([_first_child(shell.app)])
    assert shell.app.recorder is not None
    return shell.app.recorder


def test_a_date_and_a_time_can_be_picked_and_are_written_as_if_typed(ui) -> None:
    h, shell = ui
    rec = _visit_started(h, shell)
    pick = [b for b in h.find(ft.TextButton) if b.content in ("Choose date", "Choose time")]
    assert [b.content for b in pick] == ["Choose date", "Choose time", "Choose time", "Choose date"]
    h.click(pick[1])  # "Started at": the clock opens at the time typed
    clock_dialog = h.page._dialogs.controls[-1]
    assert isinstance(clock_dialog, ft.TimePicker)
    assert clock_dialog.value == time(10, 30)  # the visit started now (the fixed clock)
    clock_dialog.value = time(9, 15)
    h.fire(clock_dialog, "change")
    assert f"{rec.visit.started_at:%H:%M}" == "09:15"
    assert h.field("Started at").value == "09:15"
    h.click(h.find(ft.TextButton, lambda b: b.content == "Choose date")[0])
    calendar = h.page._dialogs.controls[-1]
    assert isinstance(calendar, ft.DatePicker)
    calendar.value = datetime(2026, 3, 1, 12, 0)
    h.fire(calendar, "change")
    assert h.field("Date of the visit").value == "01/03/2026" and rec.day == date(2026, 3, 1)


def test_a_late_echo_of_a_route_the_app_pushed_is_not_a_navigation(ui) -> None:
    """Continue tapped twice quickly: the client's echo of the first step's route arrives after
    the app has moved on, and must not step the visit back."""
    h, shell = ui
    rec = _visit_started(h, shell)
    h.click(h.button("Continue"))
    h.click(h.button("Continue"))
    where = rec.page
    assert where.step == Step.VOICE or where.step == Step.PEOPLE
    h.echo(leave=1)  # the echoes come back late: the latest is still on its way
    assert shell.app.recorder is rec and rec.page == where  # not put down, not stepped back
