"""The app's screens as plain Python: caseload, child, locking, resuming, sync, amend, settings."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from mobile.services.api import CaseloadRow, ChildFlag
from mobile.ui.viewmodels.app import TITLE, AppViewModel, Screen
from mobile.ui.viewmodels.caseload import CaseloadFilter, CaseloadSort, CaseloadViewModel, row_text
from mobile.ui.viewmodels.fields import FieldKind, Page
from models.rules import Step
from models.synthetic import SyntheticCaseload
from tests.ui.fakes import PIN, FakeSession
from tests.ui.journey import record_complete_visit


def _row(name: str, *, overdue: int = 0, seen: int | None = 3, flags=(), unsynced=0, due=None):
    return CaseloadRow(
        child_id=uuid4(), name=name, age_text="4 years", household_id=None,
        service_context="CP_PLAN", last_seen=None, days_since_seen=seen, next_due=due,
        days_overdue=overdue, rule_text="", flags=frozenset(flags), unsynced=unsynced,
    )  # fmt: skip


@pytest.fixture
def app(session: FakeSession, clock) -> AppViewModel:
    app = AppViewModel(session=session, clock=clock)
    app.start()
    app.unlock.set_secret(PIN)
    assert app.unlock.unlock()
    return app


def test_caseload_overdue_first_search_and_filters(session: FakeSession) -> None:
    vm = CaseloadViewModel(caseload=session._services.caseload)
    vm.set_rows([
        _row("Pip Notreal", seen=2, due=date(2026, 3, 9)),
        _row("Wren Testwood", overdue=4, seen=20, flags=[ChildFlag.OVERDUE]),
        _row("Otto Sampleton", overdue=9, seen=None, flags=[ChildFlag.NOT_SEEN_LAST_VISIT]),
        _row("Hazel Demoford", unsynced=2, flags=[ChildFlag.CONCERN_AWAITING_ACK]),
    ])  # fmt: skip
    assert [r.name for r in vm.visible()][:2] == ["Otto Sampleton", "Wren Testwood"]
    vm.set_query("TEST")
    assert [r.name for r in vm.visible()] == ["Wren Testwood"]
    vm.set_query("")
    vm.set_filter(CaseloadFilter.NOT_SEEN)
    assert [r.name for r in vm.visible()] == ["Otto Sampleton"]
    vm.set_filter(CaseloadFilter.UNSYNCED)
    assert [r.name for r in vm.visible()] == ["Hazel Demoford"]
    vm.set_filter(CaseloadFilter.ALL)
    vm.set_sort(CaseloadSort.NAME)
    assert vm.visible()[0].name == "Hazel Demoford"
    assert vm.summary() == "4 of 4 children, 2 overdue, 2 records not yet synced"


def test_row_text_says_days_since_seen_due_flags_and_unsynced() -> None:
    text = row_text(_row("Otto Sampleton", overdue=9, seen=None, flags=[ChildFlag.OVERDUE,
                         ChildFlag.NOT_SEEN_LAST_VISIT], unsynced=1))  # fmt: skip
    assert text.seen == "Not seen on record"
    assert text.due == "Overdue by 9 days" and text.overdue
    assert text.flags == ("Not seen last visit",)
    assert text.unsynced == "1 not yet synced"
    assert "Overdue by 9 days" in text.spoken
    assert row_text(_row("A", seen=1, due=date(2026, 3, 9))).seen == "Seen 1 day ago"


def test_caseload_with_800_children_filters(session: FakeSession) -> None:
    from models.synthetic import generate_caseload
    from tests.ui.fakes import FakeCaseload

    big = generate_caseload(
        seed=3, children=800, households=300, practitioner_role="HEALTH_VISITOR"
    )
    vm = CaseloadViewModel(caseload=FakeCaseload(big))
    vm.load()
    assert len(vm.visible()) == 800
    vm.set_query(big.children[0].name.split()[0])
    assert 0 < len(vm.visible()) < 800


def test_unlock_opens_the_caseload_and_the_title_names_no_one(app: AppViewModel) -> None:
    assert app.screen == Screen.CASELOAD
    assert app.caseload is not None and app.caseload.visible()
    assert TITLE == "Seen & Heard"


def test_first_run_enrols(load: SyntheticCaseload, clock) -> None:
    session = FakeSession(load, enrolled=False)
    app = AppViewModel(session=session, clock=clock)
    app.start()
    assert app.screen == Screen.ENROL and app.enrol is not None
    app.enrol.set_server_url("https://central.example.invalid")
    app.enrol.set_code("GOOD-CODE")
    app.enrol.next()
    app.enrol.set_passphrase("my long passphrase")
    app.enrol.set_confirm("my long passphrase")
    assert app.enrol.enrol()
    assert app.screen == Screen.CASELOAD


def test_child_concern_acknowledged_in_one_tap_and_visit_started(
    app: AppViewModel, session: FakeSession
) -> None:
    caseload = session.services().caseload
    concern = caseload.load.concerns[0]
    child_id = concern.children_concerned[0]
    app.open_child(child_id)
    assert app.screen == Screen.CHILD and app.child is not None
    lines = app.child.concerns()
    assert lines and lines[0].concern_id == concern.concern_id
    assert app.child.people()
    app.child.set_action_taken(concern.concern_id, "Phoned grandmother back")
    assert app.child.acknowledge(concern.concern_id)
    assert caseload.acknowledged == [(concern.concern_id, "Phoned grandmother back")]
    assert concern.concern_id not in [c.concern_id for c in app.child.concerns()]
    assert app.child.start_visit()
    assert app.screen == Screen.VISIT


def test_idle_lock_flushes_the_draft_and_unlock_resumes_where_it_was(
    app: AppViewModel, session: FakeSession, clock
) -> None:
    app.start_visit([session.services().caseload.load.children[0].child_id])
    rec = app.recorder
    assert rec is not None
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("when.start", "9:6", FieldKind.TIME)  # not yet readable: kept as typed
    visit_id = rec.visit.visit_id
    clock.advance(2)
    app.tick()  # saves the paused draft
    session.idle = True
    app.tick()
    assert app.screen == Screen.UNLOCK and app.recorder is None and app.services is None
    assert "Locked" in app.message
    session.idle = False
    app.unlock.set_secret(PIN)
    assert app.unlock.unlock()
    assert app.screen == Screen.VISIT and app.recorder is not None
    assert app.recorder.visit.visit_id == visit_id
    assert app.recorder.page == Page(Step.CHILD, 0)
    assert app.recorder.visit.children[0].child_seen == "NO"
    assert app.recorder.value("when.start") == "9:6"


def test_after_a_crash_drafts_are_offered_on_the_caseload(
    session: FakeSession, clock, load: SyntheticCaseload
) -> None:
    first = AppViewModel(session=session, clock=clock)
    first.start()
    first.unlock.set_secret(PIN)
    first.unlock.unlock()
    first.start_visit([load.children[0].child_id])
    assert first.recorder is not None
    first.recorder.set("location_description", "Front room", FieldKind.TEXT)
    first.recorder.next()  # saved at the step change; then the app dies
    session.is_unlocked = False
    again = AppViewModel(session=session, clock=clock)
    again.start()
    again.unlock.set_secret(PIN)
    again.unlock.unlock()
    (visit_id, words), *_ = again.draft_lines()
    assert load.children[0].name in words
    again.open_draft(visit_id)
    assert again.recorder is not None
    assert again.recorder.visit.location_description == "Front room"


def test_lock_now_from_settings(app: AppViewModel, session: FakeSession) -> None:
    assert app.settings is not None
    app.settings.lock_now()
    assert app.screen == Screen.UNLOCK and not session.is_unlocked


def test_touch_marks_activity(app: AppViewModel, session: FakeSession) -> None:
    app.touch()
    assert session.touches == 1


def _submit_one(app: AppViewModel, load: SyntheticCaseload, *, not_seen=frozenset()) -> None:
    homes: dict[object, list] = {}
    for c in load.children:
        homes.setdefault(c.household_id, []).append(c.child_id)
    app.start_visit(max(homes.values(), key=len)[:2])
    assert app.recorder is not None
    record_complete_visit(app.recorder, not_seen=set(not_seen))
    assert app.recorder.submit(), app.recorder.error


def test_sync_is_never_done_while_anything_waits(
    app: AppViewModel, session: FakeSession, load: SyntheticCaseload
) -> None:
    sync = app.sync
    assert sync is not None
    sync.refresh()
    assert sync.summary() == "Nothing to send yet."
    _submit_one(app, load, not_seen={1})
    session.services().sync.online = False
    sync.sync_now()
    assert "1 record waiting" in sync.summary() and "No signal" in sync.summary()
    assert "done" not in sync.summary().lower()
    assert sync.lines()[0].status == "Waiting to send"
    session.services().sync.online = True
    sync.sync_now()
    assert sync.summary() == "Everything is acknowledged by the central record."
    line = sync.lines()[0]
    assert line.status == "Acknowledged" and line.detail.startswith("Receipt ")
    assert not sync.running


def test_rejected_record_says_why_and_what_to_do() -> None:
    from mobile.services.api import RecordSyncState, SyncRecordStatus
    from mobile.ui.viewmodels.sync import record_line

    line = record_line(
        RecordSyncState(uuid4(), "visit", "Visit 2 Mar 2026, 2 children", SyncRecordStatus.REJECTED,
                        problems=("A newer version exists: amend the latest one.",))
    )  # fmt: skip
    assert line.needs_attention and "amend the latest" in line.detail


def test_amend_needs_a_reason_and_keeps_the_old_value(
    app: AppViewModel, session: FakeSession, load: SyntheticCaseload
) -> None:
    _submit_one(app, load)
    app.go_caseload()
    app.open_amend()
    amend = app.amend
    assert amend is not None and amend.summaries()
    amend.choose(amend.summaries()[0][0])
    field = next(f for f in amend.fields() if f.path.endswith("practitioner_analysis"))
    amend.set_field(field.path, "Seemed settled; later said he was tired")
    assert not amend.save()
    assert "why" in amend.error
    amend.set_reason("Added what the child said at the door")
    assert amend.save(), amend.error
    assert amend.visit is not None and amend.visit.revision == 2


def test_change_passphrase_and_about(app: AppViewModel, session: FakeSession) -> None:
    settings = app.settings
    assert settings is not None
    settings.set_old("wrong one")
    settings.set_new("a brand new passphrase")
    settings.set_confirm("a brand new passphrase")
    assert not settings.change_passphrase()
    assert "not right" in settings.error
    assert settings.new == "a brand new passphrase"
    settings.set_old(PIN)
    assert settings.change_passphrase()
    assert session.secret == "a brand new passphrase"
    about = dict(settings.about_lines())
    assert set(about) == {"Version", "Device", "Server", "Last sync"}
