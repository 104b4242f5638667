"""Flags from the central record on the device: kept sealed like every caseload row, dropped when
cleared or closed there, purged with their child; a replayed page changes nothing. Every workflow
runs over the fake unit of work and the SQLite store; the caseload service reads them back."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from mobile.services.caseload import CaseloadService
from mobile.services.flags import open_flags
from mobile.services.shapes import ReceivedFlag
from mobile.store import DeviceStore
from models.flags import FlagKind
from models.ids import new_id
from models.oversight import ActBy, Urgency
from models.receipt import CaseloadChange
from sync.protocol import ChangeKind, FlagData
from synthetic import SyntheticCaseload
from tests.store.conftest import FAST_KDF, PASSPHRASE, Changes
from tests.store.device import Device, device_of
from tests.store.test_leaks import _files, _leaks

RAISED = datetime.fromisoformat("2026-03-01T10:00:00+00:00")
WHY = "Quibbleflax not seen at the visit on 01 Mar 2026 (synthetic)"


def flag_change(
    child_id: UUID,
    *,
    flag_id: UUID | None = None,
    kind: FlagKind = FlagKind.CHILD_NOT_SEEN,
    urgency: Urgency = Urgency.HIGH,
    since: datetime = RAISED,
    version: int = 1,
    why: str = "Not seen at the visit on 01 Mar 2026.",
    deleted: bool = False,
) -> CaseloadChange:
    """One flag row as the central record's feed sends it (a tombstone when cleared or closed)."""
    data = FlagData(
        flag=kind, child_id=child_id, urgency=urgency, since=since, raised_at=since, why=why,
        clears="The child is seen face to face.", act_by=ActBy.WORKER,
    )  # fmt: skip
    return CaseloadChange(
        kind=ChangeKind.FLAG, entity_id=flag_id or new_id(), version=version, child_id=child_id,
        deleted=deleted, data=None if deleted else data.model_dump(mode="json"),
    )  # fmt: skip


def flags_of(repo: Device, child_id: UUID) -> list[ReceivedFlag]:
    with repo.uow as uow:
        by_child, listing = open_flags(uow)
    assert listing.problems == []
    return by_child.get(child_id, [])


def test_received_flags_are_kept_and_a_replayed_page_changes_nothing(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    child = caseload.children[0].child_id
    page = [flag_change(child, version=10), flag_change(child, kind=FlagKind.VISIT_OVERDUE)]
    assert repo.apply_caseload_changes(page, cursor="2").applied == 2
    before = flags_of(repo, child)
    assert {f.kind for f in before} == {FlagKind.CHILD_NOT_SEEN, FlagKind.VISIT_OVERDUE}

    again = repo.apply_caseload_changes(page, cursor="2")

    assert (again.applied, again.stale) == (0, 2)
    assert flags_of(repo, child) == before


def test_a_cleared_flag_leaves_and_a_reopened_one_comes_back(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    child, flag_id = caseload.children[0].child_id, new_id()
    repo.apply_caseload_changes([flag_change(child, flag_id=flag_id, version=5)], cursor="2")
    cleared = flag_change(child, flag_id=flag_id, version=6, deleted=True)

    assert repo.apply_caseload_changes([cleared], cursor="3").applied == 1
    assert flags_of(repo, child) == []
    assert repo.apply_caseload_changes([cleared], cursor="3").stale == 1  # replayed: nothing
    reopened = flag_change(child, flag_id=flag_id, version=7, urgency=Urgency.URGENT)
    repo.apply_caseload_changes([reopened], cursor="4")
    assert [f.urgency for f in flags_of(repo, child)] == [Urgency.URGENT]


def test_a_child_no_longer_held_takes_its_flags_with_it(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    gone, stays = caseload.children[0].child_id, caseload.children[1].child_id
    repo.apply_caseload_changes([flag_change(gone), flag_change(stays)], cursor="2")

    tombstone = CaseloadChange(kind="child", entity_id=gone, version=99, deleted=True)
    repo.apply_caseload_changes([tombstone], cursor="3")

    assert flags_of(repo, gone) == [] and len(flags_of(repo, stays)) == 1


def test_the_caseload_service_gives_each_child_its_flags_most_urgent_first(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes, fixed_now: datetime
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    child = caseload.children[0].child_id
    early = fixed_now - timedelta(days=9)
    page = [
        flag_change(child, kind=FlagKind.UNASSESSED_CARE, urgency=Urgency.ROUTINE, since=early),
        flag_change(child, kind=FlagKind.VISIT_OVERDUE, urgency=Urgency.HIGH),
        flag_change(child, kind=FlagKind.CHILD_NOT_SEEN, urgency=Urgency.URGENT),
        flag_change(child, kind=FlagKind.LINKED_ADULT_SEEN, urgency=Urgency.HIGH, since=early),
    ]
    repo.apply_caseload_changes(page, cursor="2")
    service = CaseloadService(store=repo, clock=lambda: fixed_now, practitioner_id=new_id())

    detail = service.child(child)
    rows = {r.child_id: r for r in service.rows()}

    assert [f.kind for f in detail.flags] == [
        FlagKind.CHILD_NOT_SEEN, FlagKind.LINKED_ADULT_SEEN, FlagKind.VISIT_OVERDUE,
        FlagKind.UNASSESSED_CARE,
    ]  # fmt: skip
    assert rows[child].received == detail.flags
    assert all(r.received == () for c, r in rows.items() if c != child)


def test_a_flags_words_are_not_in_plaintext_in_the_sqlite_files(
    tmp_path: Path, clock, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    data_dir = tmp_path / "device"
    store = DeviceStore.create(data_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    device = device_of(store, clock)
    device.apply_caseload_changes(to_changes(caseload), cursor="1")
    child = caseload.children[0].child_id
    device.apply_caseload_changes([flag_change(child, why=WHY)], cursor="2")
    assert [f.why for f in flags_of(device, child)] == [WHY]  # it is there, and readable

    assert "records.db-wal" in _files(data_dir)
    assert _leaks(_files(data_dir), [WHY]) == []
    store.close()
    assert _leaks(_files(data_dir), [WHY]) == []
