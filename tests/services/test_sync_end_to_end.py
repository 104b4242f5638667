"""End to end in-process: a real Session (encrypted store) syncing with the real central record over
fastapi's TestClient. Every visit is acknowledged with the central record's own receipt, and the
central record holds exactly one copy of each."""

from __future__ import annotations

import random
from datetime import date, timedelta

from models.enums import YesNo
from models.receipt import SyncState
from synthetic import synthetic_visit
from tests.services.devices import copies_on_server, receipts_on_server, record_visits, settled
from tests.sync.helpers import World, visit_item


def record_visits_elsewhere(world: World) -> date:
    """A visit from the worker's other device, which sees a child today: when it was."""
    load = world.worker.load
    visit = synthetic_visit(random.Random(9), load, load.children[0])
    visit.started_at = world.clock() - timedelta(hours=2)
    visit.ended_at = visit.started_at + timedelta(hours=1)
    assert any(c.child_seen == YesNo.YES for c in visit.children)
    [receipt] = world.device(world.worker).push([visit_item(visit)]).receipts
    assert receipt.status == "accepted"
    return visit.started_at.date()


def test_several_visits_are_acknowledged_with_the_receipts_the_central_record_holds(session, world):
    services = session.services()
    services.sync.sync_now()  # the caseload first
    ids = record_visits(session, world.worker.load, 8, seed=3, now=world.clock())
    before = services.sync.progress()
    assert (before.pending, before.acknowledged) == (8, 0)

    progress = services.sync.sync_now()

    assert progress.last_error == "" and settled(session)
    assert copies_on_server(world, ids) == {visit_id: (1, 1) for visit_id in ids}
    on_device = {r.record_id: r.receipt_id for r in services.sync.records()}
    assert on_device == receipts_on_server(world, ids)


def test_syncing_again_sends_nothing_and_changes_nothing(session, world):
    services = session.services()
    services.sync.sync_now()
    ids = record_visits(session, world.worker.load, 3, seed=4, now=world.clock())
    services.sync.sync_now()
    first = {r.record_id: r.receipt_id for r in services.sync.records()}

    progress = services.sync.sync_now()

    assert progress.last_error == "" and settled(session)
    assert {r.record_id: r.receipt_id for r in services.sync.records()} == first
    assert copies_on_server(world, ids) == {visit_id: (1, 1) for visit_id in ids}
    assert {r.status for r in services.sync.records()} == {SyncState.ACKNOWLEDGED}


def test_push_now_sends_and_stores_receipts_without_downloading(session, world):
    services = session.services()
    services.sync.sync_now()
    synced_at = services.sync.progress().last_sync_at
    ids = record_visits(session, world.worker.load, 4, seed=5, now=world.clock() - timedelta(9))
    elsewhere = record_visits_elsewhere(world)  # news the device has not downloaded

    progress = services.sync.push_now()

    assert progress.last_error == "" and settled(session)
    assert copies_on_server(world, ids) == {visit_id: (1, 1) for visit_id in ids}
    assert progress.last_sync_at == synced_at  # nothing downloaded: not a whole sync
    assert elsewhere not in {r.last_seen for r in services.caseload.rows()}
    services.sync.sync_now()
    assert elsewhere in {r.last_seen for r in services.caseload.rows()}
