"""Plain words and sure taps (issue 12, item 12): impossible times refused as typed, names and
addresses trimmed, the wrong-PIN wait counting down in "tries", never "attempts"."""

from __future__ import annotations

from datetime import timedelta

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.fields import FieldKind, Page
from mobile.ui.viewmodels.unlock import UnlockViewModel
from mobile.ui.viewmodels.visit.paths import NEW_CARER
from models.rules import Step
from tests.sync.helpers import World
from tests.ui.conftest import Clock


def _recorder(app: AppViewModel):  # type: ignore[no-untyped-def]
    assert app.caseload is not None
    app.start_visit([app.caseload.rows[0].child_id])
    assert app.recorder is not None
    return app.recorder


def test_an_end_before_the_start_is_refused_as_typed_and_kept_to_correct(
    app: AppViewModel,
) -> None:
    rec = _recorder(app)
    rec.set("when.date", "02/03/2026", FieldKind.DATE)
    rec.set("when.start", "10:00", FieldKind.TIME)
    rec.set("when.end", "09:30", FieldKind.TIME)
    assert rec.field_errors["when.end"] == (
        "The visit cannot end before it started: check the times."
    )
    assert rec.visit.ended_at is None  # refused: the record keeps its last good times
    assert rec.value("when.end") == "09:30"  # what was typed stays, to correct
    rec.set("when.start", "09:00", FieldKind.TIME)  # correcting the start makes the end fit
    assert rec.field_errors == {}
    assert rec.visit.ended_at is not None and f"{rec.visit.ended_at:%H:%M}" == "09:30"


def test_a_start_after_now_is_refused(app: AppViewModel) -> None:
    rec = _recorder(app)
    assert app.services is not None
    now = app.services.visits.now()
    rec.set("when.date", f"{now:%d/%m/%Y}", FieldKind.DATE)
    before = rec.visit.started_at  # a new visit starts now: a sensible default
    assert before is not None and before <= now
    later = now + timedelta(minutes=30)
    if later.date() == now.date():
        rec.set("when.start", f"{later:%H:%M}", FieldKind.TIME)
        assert "cannot start or end after now" in rec.field_errors["when.start"]
        assert rec.visit.started_at == before
    rec.set("when.date", f"{now + timedelta(days=1):%d/%m/%Y}", FieldKind.DATE)
    assert "after now" in rec.field_errors["when.date"]
    assert rec.visit.started_at == before and rec.day == now.date()  # the day was refused too


def test_names_and_addresses_are_trimmed(app: AppViewModel) -> None:
    rec = _recorder(app)
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("children.0.reason_not_seen", "CHILD_WITH_OTHER_CARER", FieldKind.CHOICE)
    rec.set("other_carer.0", NEW_CARER, FieldKind.CHOICE)
    rec.set("children.0.other_carer_name", "  Jo Bell \t", FieldKind.TEXT)
    rec.set("children.0.other_carer_address", " 1 Fictional Row, Nowhere  ", FieldKind.TEXT)
    child = rec.visit.children[0]
    assert child.other_carer_name == "Jo Bell"
    assert child.other_carer_address == "1 Fictional Row, Nowhere"
    rec.go(Page(Step.PEOPLE))
    rec.act("add_new")
    rec.set("persons_present.0.name", " Sam Reed ", FieldKind.TEXT)
    assert rec.visit.persons_present[0].name == "Sam Reed"


def test_the_wrong_pin_wait_counts_down_and_says_tries(
    session: Session, world: World, clock: Clock
) -> None:
    vm = UnlockViewModel(session=session, on_unlocked=lambda: None, clock=clock)
    vm.set_secret("not my passphrase")
    vm.unlock()
    first = vm.status()
    assert "9 tries left" in first and "attempt" not in first
    vm.unlock()
    vm.unlock()
    assert vm.status().endswith("7 tries left. Try again in 30 seconds.")
    clock.advance(1)
    assert vm.status().endswith("Try again in 29 seconds.")
    clock.advance(28)
    assert vm.status().endswith("Try again in 1 second.")
    clock.advance(1)
    world.clock.advance(timedelta(seconds=30))
    assert "attempt" not in vm.status() and "Try again in" not in vm.status()
