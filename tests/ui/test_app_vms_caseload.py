"""The app's screens as plain Python over the real services: the caseload, unlocking, enrolling and
a child."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

from mobile.services.caseload import CaseloadService
from mobile.services.session import Session
from mobile.services.shapes import CaseloadRow, ChildFlag
from mobile.store import DeviceStore
from mobile.ui.viewmodels.app import TITLE, AppViewModel, Screen
from mobile.ui.viewmodels.caseload import CaseloadFilter, CaseloadSort, CaseloadViewModel, row_text
from mobile.ui.viewmodels.labels import counted, waiting_words
from models.enums import PractitionerRole
from sync.server import services as sv
from synthetic import SyntheticCaseload, generate_caseload
from tests.conftest import FIXED_NOW
from tests.services.conftest import FAST_KDF, Network, make_session
from tests.store.conftest import caseload_changes
from tests.store.device import device_of
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE, SERVER, Clock
from tests.ui.journey import household_of_two, submit_one


def _row(name: str, *, overdue: int = 0, seen: int | None = 3, flags=(), unsynced=0, due=None):
    return CaseloadRow(
        child_id=uuid4(), name=name, age_text="4 years", household_id=None,
        service_context="CP_PLAN", last_seen=None, days_since_seen=seen, next_due=due,
        days_overdue=overdue, rule_text="", flags=frozenset(flags), unsynced=unsynced,
    )  # fmt: skip


# Caseload ----------------------------------------------------------------------------------------
def test_caseload_overdue_first_search_and_filters(app: AppViewModel) -> None:
    assert app.services is not None
    vm = CaseloadViewModel(caseload=app.services.caseload)
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
    assert vm.summary() == "4 of 4 children, 2 overdue"
    vm.set_rows(vm.rows, waiting=2)
    assert vm.summary() == "4 of 4 children, 2 overdue, 2 records waiting for the central record"


def test_row_text_says_days_since_seen_due_flags_and_unsynced() -> None:
    text = row_text(_row("Otto Sampleton", overdue=9, seen=None, flags=[ChildFlag.OVERDUE,
                         ChildFlag.NOT_SEEN_LAST_VISIT], unsynced=1))  # fmt: skip
    assert text.seen == "Not seen on record"
    assert text.due == "Overdue by 9 days" and text.overdue
    assert text.flags == ("Not seen last visit",)
    assert text.unsynced == "1 visit not yet synced"
    assert "Overdue by 9 days" in text.spoken
    assert row_text(_row("A", seen=1, due=date(2026, 3, 9))).seen == "Seen 1 day ago"


def test_the_real_caseload_is_overdue_first_and_a_visit_moves_the_children_seen(
    app: AppViewModel, load: SyntheticCaseload
) -> None:
    vm = app.caseload
    assert vm is not None
    rows = vm.visible()
    assert {r.child_id for r in rows} == {c.child_id for c in load.children}
    overdue = [r.days_overdue for r in rows]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] > 0
    seen, not_seen = household_of_two(load)
    submit_one(app, load, not_seen={1})
    app.go_caseload()
    after = {r.child_id: r for r in vm.rows}
    assert after[seen].days_since_seen == 0 and after[seen].days_overdue == 0
    assert ChildFlag.NOT_SEEN_LAST_VISIT in after[not_seen].flags
    assert after[seen].unsynced == after[not_seen].unsynced == 1
    assert vm.visible()[-1].child_id == seen  # seen today: nothing due sooner on this caseload
    vm.set_filter(CaseloadFilter.NOT_SEEN)
    assert [r.child_id for r in vm.visible()] == [not_seen]
    vm.set_filter(CaseloadFilter.UNSYNCED)
    assert {r.child_id for r in vm.visible()} == {seen, not_seen}


def test_caseload_and_sync_count_the_same_records_waiting_in_the_same_words(
    app: AppViewModel, load: SyntheticCaseload, network: Network
) -> None:
    """One visit about two children is one record: the caseload said "2 records not yet synced"
    while Sync said "1 record waiting"."""
    caseload, sync = app.caseload, app.sync
    assert caseload is not None and sync is not None
    submit_one(app, load)  # one visit, two children
    sync.refresh()
    assert sync.summary() == "1 record waiting for the central record. It is safe on this device."
    network.up = False
    sync.sync_now()
    app.go_caseload()
    assert sum(r.unsynced for r in caseload.rows) == 2  # each child's row names the visit
    assert caseload.summary().endswith(", 1 record waiting for the central record")
    assert sync.summary().startswith("1 record waiting for the central record.")
    submit_one(app, load)
    sync.refresh()
    app.go_caseload()
    assert caseload.summary().endswith(", 2 records waiting for the central record")
    assert sync.summary().startswith("2 records waiting for the central record.")


def test_counts_on_screens_say_1_record_and_2_records() -> None:
    assert [counted(n, "record") for n in (0, 1, 2)] == ["0 records", "1 record", "2 records"]
    assert counted(1, "child", "children") == "1 child"
    assert waiting_words(1) == "1 record waiting for the central record"
    assert row_text(_row("A", seen=1, unsynced=2)).unsynced == "2 visits not yet synced"


def test_caseload_of_800_children_from_a_real_store_searches_and_filters(tmp_path: Path) -> None:
    big = generate_caseload(
        seed=3, children=800, households=300, practitioner_role=PractitionerRole.HEALTH_VISITOR
    )
    store = DeviceStore.create(
        tmp_path / "hv", passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=lambda: FIXED_NOW
    )
    try:
        device_of(store).apply_caseload_changes(caseload_changes(big), cursor="1")
        service = CaseloadService(
            store=store, clock=lambda: FIXED_NOW, practitioner_id=big.practitioner_id
        )
        vm = CaseloadViewModel(caseload=service)
        vm.load()
        assert vm.error == "" and len(vm.visible()) == 800
        first = big.children[0].name.split()[0]
        vm.set_query(first.lower())
        assert 0 < len(vm.visible()) < 800
        assert all(first in r.name for r in vm.visible())
        vm.set_query("")
        vm.set_filter(CaseloadFilter.CONCERNS)
        awaiting = {c for k in big.concerns for c in k.children_concerned}
        assert {r.child_id for r in vm.visible()} == awaiting
    finally:
        store.close()


# Unlock, enrol, child ----------------------------------------------------------------------------
def test_unlock_opens_the_caseload_and_the_title_names_no_one(app: AppViewModel) -> None:
    assert app.screen == Screen.CASELOAD
    assert app.caseload is not None and app.caseload.visible()
    assert TITLE == "Seen & Heard"


def test_first_run_enrols_and_the_first_sync_brings_the_caseload(
    world: World, tmp_path: Path, clock: Clock, load: SyntheticCaseload
) -> None:
    device = make_session(world, tmp_path / "first-run")
    app = AppViewModel(session=device, clock=clock, auto_sync_s=None)
    app.start()
    assert app.screen == Screen.ENROL and app.enrol is not None
    app.enrol.set_server_url(SERVER)
    app.enrol.set_code(world.code_for(world.worker))
    assert app.enrol.next()
    app.enrol.set_passphrase(PASSPHRASE)
    app.enrol.set_confirm(PASSPHRASE)
    assert app.enrol.enrol(), app.enrol.error
    assert app.screen == Screen.CASELOAD
    assert app.caseload is not None and app.caseload.rows == []
    assert app.sync is not None
    app.sync.sync_now()
    app.go_caseload()
    assert len(app.caseload.rows) == len(load.children)
    device.close()


def test_child_shows_people_and_a_concern_acknowledged_and_confirmed_syncs_back(
    app: AppViewModel, load: SyntheticCaseload
) -> None:
    concern = load.concerns[0]
    child_id = concern.children_concerned[0]
    app.open_child(child_id)
    assert app.screen == Screen.CHILD and app.child is not None
    child = app.child
    assert child.address.endswith("Imaginary Town " + _postcode(load, child_id))
    people = child.people()
    names = {p.person_id: p.name for p in load.people}
    mine = next(c for c in load.children if c.child_id == child_id)
    assert [p.name for p in people] == [names[link.person_id] for link in mine.links]
    assert "parental responsibility" in people[0].detail
    [line] = child.concerns()
    assert line.concern_id == concern.concern_id
    assert "paternal grandmother" in line.text and concern.content in line.text
    child.set_action_taken(concern.concern_id, "Phoned grandmother back")
    assert child.ask_acknowledge(concern.concern_id)
    assert child.acknowledge(concern.concern_id), child.error
    assert child.concerns() == []
    assert "next sync" in child.message
    assert app.sync is not None
    app.sync.refresh()
    assert [r.kind for r in app.sync.records] == ["acknowledgement"]
    app.sync.sync_now()
    assert app.sync.summary() == "Everything is acknowledged by the central record."
    assert child.start_visit()
    assert app.screen == Screen.VISIT
    assert app.recorder is not None
    assert child_id in [c.child_id for c in app.recorder.visit.children]


def _postcode(load: SyntheticCaseload, child_id: UUID) -> str:
    child = next(c for c in load.children if c.child_id == child_id)
    return next(h.postcode for h in load.households if h.household_id == child.household_id)


def test_a_new_allocation_at_the_central_record_appears_after_sync(
    app: AppViewModel, world: World
) -> None:
    assert world.colleague.load is not None and app.caseload is not None and app.sync is not None
    moved = world.colleague.load.children[0]
    sv.allocate_child(
        db=world.db,
        child_id=moved.child_id,
        practitioner_id=world.worker.practitioner_id,
        now=world.clock(),
    )
    assert app.caseload.row(moved.child_id) is None
    app.sync.sync_now()
    app.go_caseload()
    row = app.caseload.row(moved.child_id)
    assert row is not None and row.name == moved.name


def test_automatic_sync_at_unlock_refreshes_the_caseload_and_sync_screens(
    session: Session, clock: Clock, world: World
) -> None:
    assert world.colleague.load is not None
    moved = world.colleague.load.children[0]
    sv.allocate_child(
        db=world.db,
        child_id=moved.child_id,
        practitioner_id=world.worker.practitioner_id,
        now=world.clock(),
    )
    app = AppViewModel(session=session, clock=clock, auto_sync_s=3600)
    app.start()
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock()
    assert app.caseload is not None and app.sync is not None
    deadline = time.monotonic() + 10
    while app.caseload.row(moved.child_id) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert app.caseload.row(moved.child_id) is not None
    assert app.sync.progress is not None and app.sync.progress.last_sync_at is not None
    app.lock()  # stops the background sync
