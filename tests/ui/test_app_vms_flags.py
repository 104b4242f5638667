"""The central record's flags on the app's screens, and the way into the escalation form: over the
real services, a real encrypted store and the real central record in-process."""

from __future__ import annotations

from datetime import timedelta

import flet as ft

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.caseload import CaseloadFilter, row_text
from mobile.ui.views.caseload import ChildView
from mobile.ui.views.shell import Shell
from models.enums import SafeguardingConcernNow
from models.receipt import ReceiptStatus
from models.visit import Visit
from synthetic import SyntheticCaseload
from tests.services.flag_visits import face_to_face_visit
from tests.sync.helpers import World, visit_item
from tests.ui.conftest import PASSPHRASE, Clock
from tests.ui.flet_harness import Harness

_URGENCIES = ("Urgent", "High", "Routine")


def _flag_a_child(app: AppViewModel, world: World, load: SyntheticCaseload) -> None:
    """The worker's other device pushes a visit where the first child was not seen; this device
    syncs and the caseload reloads."""
    missed = face_to_face_visit(load, seen=False, at=world.clock() - timedelta(days=1))
    [receipt] = world.device(world.worker).push([visit_item(missed, at=world.clock())]).receipts
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.problems
    assert app.services is not None
    assert app.services.sync.sync_now().last_error == ""
    app.go_caseload()


def _walk(control: object) -> list[ft.Control]:
    found: list[ft.Control] = []
    stack = [control]
    while stack:
        node = stack.pop()
        if isinstance(node, ft.Control):
            found.append(node)
        for name in ("controls", "content"):
            child = getattr(node, name, None)
            stack += [c for c in (child if isinstance(child, list) else [child]) if c is not None]
    return [c for c in found if not isinstance(c, str)]


def test_the_caseload_row_names_the_most_urgent_flag_in_words(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    child = load.children[0].child_id
    _flag_a_child(app, world, load)
    assert app.caseload is not None
    row = app.caseload.row(child)
    assert row is not None and row.received

    urgency, kind = row_text(row).flags[0].split(" (and ")[0].split(": ")
    assert urgency in _URGENCIES and kind and "_" not in kind  # words, never a code
    app.caseload.set_filter(CaseloadFilter.FLAGGED)
    assert child in {r.child_id for r in app.caseload.visible()}


def test_the_child_screen_lists_each_flag_with_why_since_who_and_what_clears_it(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    child = load.children[0].child_id
    _flag_a_child(app, world, load)
    app.open_child(child)
    assert app.child is not None and app.screen == Screen.CHILD

    lines = app.child.flags()
    [not_seen] = [f for f in lines if f.title.endswith(": Not seen at the last visit")]
    assert not_seen.title.split(": ")[0] in _URGENCIES
    assert any(line.startswith("Since ") for line in not_seen.lines)
    assert "Who must act: the allocated worker" in not_seen.lines
    assert "Clears when: The child is seen face to face." in not_seen.lines
    assert all(f.title.split(": ")[0] in _URGENCIES for f in lines)

    tree = _walk(ChildView(app.child, on_back=lambda: None).root)
    named = {c.label for c in tree if isinstance(c, ft.Semantics)}
    assert {f.spoken for f in lines} <= named  # each flag read out whole, urgency first
    buttons = [c for c in tree if isinstance(c, ft.FilledButton | ft.TextButton)]
    assert buttons and all((b.height or 0) >= 48 for b in buttons)


def _risky(app: AppViewModel, world: World, load: SyntheticCaseload) -> Visit:
    """A visit recording a safeguarding concern, submitted here an hour ago and not yet sent."""
    assert app.services is not None
    visit = face_to_face_visit(load, seen=True, at=world.clock() - timedelta(hours=2), seed=5)
    visit = visit.model_copy(
        update={
            "safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE,
            "escalation_notes": "Referred (synthetic).",
        }
    )
    app.services.visits.save_draft(visit)
    submitted = app.services.visits.submit(visit.visit_id)
    app.services.escalations.prompt_hours = 0  # an organisation may ask at once
    return submitted


def test_a_child_screen_prompts_for_an_escalation_and_opens_the_form_for_that_visit(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    visit = _risky(app, world, load)
    app.go_caseload()
    assert [line.visit_id for line in app.escalations_due] == [visit.visit_id]
    child = visit.children[0].child_id
    app.open_child(child)
    assert app.child is not None
    [line] = app.child.escalations_due
    assert "record who you told" in line.text

    app.child.escalate(line.visit_id)

    assert app.screen == Screen.ESCALATION and app.escalation is not None
    form = app.escalation
    assert form.visit_id == visit.visit_id
    form.set("to_whom", "My team manager (synthetic)")
    form.set("how", "PHONE")
    form.set("response", "Agreed to visit again tomorrow (synthetic).")
    assert form.save(), (form.error, form.field_errors)
    app.close_escalation()
    assert app.screen == Screen.CHILD and app.child.escalations_due == []
    assert app.escalations_due == []


def test_the_caseload_prompt_button_opens_the_form_in_the_app(
    session: Session, clock: Clock, world: World, load: SyntheticCaseload
) -> None:
    h = Harness()
    try:
        app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
        shell = Shell(
            h.page, app, background=lambda fn: fn(), tick_s=None, navigate=h.routes.append
        )
        shell.start()
        h.type(h.field("PIN or passphrase"), PASSPHRASE)
        h.click(h.button("Unlock"))
        visit = _risky(app, world, load)
        app.go_caseload()
        [line] = app.escalations_due
        assert h.shows(line.text)

        h.click(h.button(line.action))

        assert app.screen == Screen.ESCALATION and app.escalation is not None
        assert app.escalation.visit_id == visit.visit_id
        assert h.field("Who you told") is not None
        back = h.find(ft.TextButton, lambda b: b.content == "Back")
        assert len(back) == 2  # the screen's own and the app bar's: both go back
        h.click(back[-1])
        assert app.screen == Screen.CASELOAD
    finally:
        h.close()
