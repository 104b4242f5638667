"""Pull: commit order, paging, tombstones, cursor expiry, compaction; concurrent writers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from models.receipt import ReceiptStatus
from sync.client import CursorExpired
from sync.protocol import ChangeKind
from sync.server import services as sv
from sync.server.services.pull import decode_cursor
from tests.sync.helpers import World, visit_items


def _apply(state: dict[tuple[str, object, object], dict | None], changes: list) -> None:
    """A device applying pages: later versions win; a child tombstone purges the child."""
    for c in changes:
        if c.kind == ChangeKind.CHILD and c.deleted:
            for key in [k for k in state if k[2] == c.child_id]:
                del state[key]
            continue
        state[(c.kind, c.entity_id, c.child_id)] = c.data


def test_pages_come_in_commit_order_and_join_up_without_gaps(world: World) -> None:
    device = world.device(world.worker)
    device.push(visit_items(world.worker.load))
    everything = device.changes(None, 1000)
    assert not everything.has_more
    pages = list(device.iter_changes(None, limit=7))
    assert len(pages) > 2 and all(p.has_more for p in pages[:-1])
    paged = [c for p in pages for c in p.changes]
    assert [c.version for c in paged] == [c.version for c in everything.changes]
    assert [c.version for c in paged] == sorted(c.version for c in paged)


def test_empty_incremental_pull_returns_nothing_and_keeps_position(world: World) -> None:
    device = world.device(world.worker)
    last = list(device.iter_changes(None))[-1]
    again = device.changes(last.cursor)
    assert again.changes == [] and not again.has_more
    assert decode_cursor(again.cursor) == decode_cursor(last.cursor)


def test_deallocation_sends_a_tombstone_and_the_new_holder_gets_the_child(world: World) -> None:
    worker, colleague = world.device(world.worker), world.device(world.colleague)
    child = world.worker.load.children[0]  # type: ignore[union-attr]
    w_cursor = list(worker.iter_changes(None))[-1].cursor
    c_cursor = list(colleague.iter_changes(None))[-1].cursor
    sv.allocate_child(
        db=world.db,
        child_id=child.child_id,
        practitioner_id=world.colleague.practitioner_id,
        now=world.clock(),
    )
    gone = worker.changes(w_cursor).changes
    assert [(c.kind, c.deleted, c.child_id) for c in gone] == [
        (ChangeKind.CHILD, True, child.child_id)
    ]
    arrived = colleague.changes(c_cursor).changes
    assert {c.kind for c in arrived} >= {ChangeKind.CHILD, ChangeKind.HOUSEHOLD, ChangeKind.SEEN}
    assert all(c.child_id == child.child_id for c in arrived)
    # A device starting from scratch ends with exactly its current caseload.
    state: dict = {}
    for page in world.device(world.worker).iter_changes(None):
        _apply(state, page.changes)
    children = {k[1] for k in state if k[0] == ChangeKind.CHILD}
    assert child.child_id not in children
    assert children == {c.child_id for c in world.worker.load.children[1:]}  # type: ignore[union-attr]


def test_manager_is_not_told_to_purge_when_a_child_moves_within_the_team(world: World) -> None:
    manager = world.device(world.manager)
    cursor = list(manager.iter_changes(None))[-1].cursor
    child = world.worker.load.children[0]  # type: ignore[union-attr]
    sv.allocate_child(
        db=world.db,
        child_id=child.child_id,
        practitioner_id=world.colleague.practitioner_id,
        now=world.clock(),
    )
    changes = manager.changes(cursor).changes
    assert not any(c.deleted for c in changes)
    assert any(
        c.kind == ChangeKind.CHILD
        and c.data
        and c.data["allocated_to"] == str(world.colleague.practitioner_id)
        for c in changes
    )


def test_reset_cursors_makes_an_old_cursor_expire(world: World) -> None:
    device = world.device(world.worker)
    cursor = list(device.iter_changes(None))[-1].cursor
    sv.reset_cursors(db=world.db, org_id="ORG-DEMO", now=world.clock())
    with pytest.raises(CursorExpired) as caught:
        device.changes(cursor)
    assert caught.value.status == 410
    assert device.changes(None).changes  # starting over works


def test_compaction_keeps_what_every_device_ends_up_with(world: World) -> None:
    device = world.device(world.worker)
    halfway = device.changes(None, 5).cursor
    device.push(visit_items(world.worker.load))
    for _ in range(2):  # reallocate back and forth: superseded rows pile up
        child = world.worker.load.children[0]  # type: ignore[union-attr]
        sv.allocate_child(
            db=world.db,
            child_id=child.child_id,
            practitioner_id=world.colleague.practitioner_id,
            now=world.clock(),
        )
        sv.allocate_child(
            db=world.db,
            child_id=child.child_id,
            practitioner_id=world.worker.practitioner_id,
            now=world.clock(),
        )
    before_fresh: dict = {}
    before_resumed: dict = {}
    for page in device.iter_changes(None):
        _apply(before_fresh, page.changes)
    for page in device.iter_changes(halfway):
        _apply(before_resumed, page.changes)
    deleted = sv.compact_changes(db=world.db, org_id="ORG-DEMO", now=world.clock())
    assert deleted > 0
    after_fresh: dict = {}
    after_resumed: dict = {}
    for page in device.iter_changes(None):
        _apply(after_fresh, page.changes)
    for page in device.iter_changes(halfway):
        _apply(after_resumed, page.changes)
    assert after_fresh == before_fresh
    assert after_resumed == before_resumed


@pytest.mark.slow
def test_a_reader_never_skips_a_row_while_devices_push_concurrently(world: World) -> None:
    """Writers commit in any order; the reader, pulling throughout, must see every row once."""
    devices = [world.device(world.worker) for _ in range(3)]
    items = visit_items(world.worker.load)
    reader = world.device(world.manager)
    start = list(reader.iter_changes(None))[-1].cursor
    errors: list[BaseException] = []

    def writer(device_index: int) -> None:
        try:
            for item in items[device_index::3]:
                devices[device_index].push([item])
                world.clock.advance(timedelta(0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
    seen: list[int] = []
    cursor = start
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        for page in reader.iter_changes(cursor):
            seen.extend(c.version for c in page.changes)
            cursor = page.cursor
    for t in threads:
        t.join()
    for page in reader.iter_changes(cursor):
        seen.extend(c.version for c in page.changes)
    assert not errors
    complete = [c.version for page in reader.iter_changes(start) for c in page.changes]
    assert seen == complete  # nothing skipped, nothing twice, same order
    statuses = {r.status for d in devices for r in d.push(items).receipts}
    assert statuses == {ReceiptStatus.DUPLICATE}
