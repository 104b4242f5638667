"""Faults end to end: real devices (Session over an encrypted store) syncing with a real central
record (`seen server` under uvicorn on 127.0.0.1). Whatever breaks — the answer lost on the way,
the server killed between batches or in the middle of one, a batch sent again, two devices at
once, every cursor reset, the device revoked — the central record ends with exactly one copy of
each visit and every device with every visit acknowledged (or, once revoked, wiped)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from mobile.services.errors import DeviceWipedError
from mobile.services.session import Session
from sync.server import services as sv
from tests.services.devices import FaultyNetwork, copies_on_server, record_visits, settled
from tests.sync.helpers import ORG, FakeClock, World, make_world
from tests.sync.live import DroppingProxy, LiveServer

pytestmark = pytest.mark.slow


class Live:
    """A populated central record on a SQLite data dir, served by a real uvicorn, and the
    network the devices reach it through."""

    def __init__(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "server"
        data_dir.mkdir()
        self.tmp_path = tmp_path
        self.world: World = make_world(
            f"sqlite:///{data_dir / 'central-record.sqlite3'}", FakeClock(datetime.now(UTC))
        )
        self.server = LiveServer(data_dir, log_path=tmp_path / "server.log")
        self.server.start()
        self.network = FaultyNetwork()
        self.sessions: list[Session] = []

    def device(self, name: str, url: str | None = None) -> Session:
        """A device of the worker, enrolled and holding its caseload."""
        session = self.network.enrolled(
            self.tmp_path / name, self.world, url or self.server.url, self.world.worker
        )
        self.sessions.append(session)
        session.services().sync.sync_now()
        return session

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        self.network.close()
        self.server.stop()
        self.world.db.dispose()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    live = Live(tmp_path)
    yield live
    live.close()


def one_copy_each(world: World, ids: list[UUID]) -> bool:
    return copies_on_server(world, ids) == {visit_id: (1, 1) for visit_id in ids}


def test_answer_lost_on_the_way_is_retried_and_every_visit_acknowledged_once(live: Live) -> None:
    proxy = DroppingProxy(live.server.port)
    try:
        device = live.device("device", url=proxy.url)
        ids = record_visits(device, live.world.worker.load, 5, seed=11, now=live.world.clock())
        proxy.drop_responses = 1  # the central record commits; its answer never arrives
        progress = device.services().sync.sync_now()
        assert proxy.dropped == 1
    finally:
        proxy.close()
    assert progress.last_error == "" and settled(device)
    assert one_copy_each(live.world, ids)
    pushes = live.network.requests("POST", "/sync/push")
    assert [status for *_, status in pushes[-2:]] == [0, 200]  # lost, then answered again


def test_server_killed_between_two_batches_loses_nothing(live: Live) -> None:
    device = live.device("device")
    ids = record_visits(device, live.world.worker.load, 130, seed=12, now=live.world.clock())
    pushes = 0

    def kill_before_the_second_batch(request: httpx.Request) -> None:
        nonlocal pushes
        if request.url.path == "/sync/push":
            pushes += 1
            if pushes == 2:
                live.server.stop(hard=True)

    live.network.before = kill_before_the_second_batch
    progress = device.services().sync.sync_now()
    assert progress.last_error.startswith("No connection")
    assert (progress.acknowledged, progress.pending) == (100, 30)  # honest: 30 still to go
    live.network.before = None
    live.server.start()
    progress = device.services().sync.sync_now()
    assert progress.last_error == "" and settled(device)
    assert one_copy_each(live.world, ids)


def test_server_killed_in_the_middle_of_a_batch_loses_nothing(live: Live) -> None:
    device = live.device("device")
    ids = record_visits(device, live.world.worker.load, 120, seed=13, now=live.world.clock())
    killer: list[threading.Timer] = []

    def kill_while_the_first_batch_is_handled(request: httpx.Request) -> None:
        if request.url.path == "/sync/push" and not killer:
            killer.append(threading.Timer(0.02, live.server.stop, kwargs={"hard": True}))
            killer[0].start()

    live.network.before = kill_while_the_first_batch_is_handled
    progress = device.services().sync.sync_now()
    killer[0].join()
    assert progress.last_error.startswith("No connection") and progress.pending > 0
    assert 0 in [status for *_, status in live.network.requests("POST", "/sync/push")]
    live.network.before = None
    live.server.start()  # committed or rolled back: either way, sending again is safe
    progress = device.services().sync.sync_now()
    assert progress.last_error == "" and settled(device)
    assert one_copy_each(live.world, ids)


def test_the_same_batch_replayed_gets_the_same_receipts_and_stores_nothing_more(
    live: Live,
) -> None:
    device = live.device("device")
    ids = record_visits(device, live.world.worker.load, 6, seed=14, now=live.world.clock())
    device.services().sync.sync_now()
    assert settled(device)
    [(headers, body)] = live.network.bodies
    receipts = {r.record_id: r.receipt_id for r in device.services().sync.records()}

    with httpx.Client(base_url=live.server.url) as http:
        again = http.post("/sync/push", content=body, headers=headers)

    assert again.status_code == 200
    answer = again.json()["receipts"]
    assert {a["status"] for a in answer} == {"duplicate"}
    assert {UUID(a["record_id"]): UUID(a["receipt_id"]) for a in answer} == receipts
    assert one_copy_each(live.world, ids)
    assert settled(device)


def test_two_devices_pushing_at_once_each_end_acknowledged_one_copy_each(live: Live) -> None:
    devices = [live.device("first"), live.device("second")]
    load, now = live.world.worker.load, live.world.clock()
    ids = [record_visits(d, load, 40, seed=20 + n, now=now) for n, d in enumerate(devices)]
    start = threading.Barrier(2)
    errors: list[str] = []

    def sync(n: int) -> None:
        start.wait()
        errors.append(devices[n].services().sync.sync_now().last_error)

    threads = [threading.Thread(target=sync, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["", ""]
    assert all(settled(d) for d in devices)
    assert one_copy_each(live.world, ids[0] + ids[1])


def test_cursor_reset_makes_the_device_push_first_then_download_again(live: Live) -> None:
    device = live.device("device")
    services = device.services()
    load, now = live.world.worker.load, live.world.clock()
    children = {r.child_id for r in services.caseload.rows()}
    ids = record_visits(device, load, 3, seed=15, now=now)  # waiting to go
    sv.reset_cursors(db=live.world.db, org_id=ORG, now=now)  # every cursor must start over
    late: list[UUID] = []

    def a_visit_saved_while_the_download_is_refused(request: httpx.Request) -> None:
        if request.url.path == "/sync/changes" and not late:  # answered 410 below
            late.extend(record_visits(device, load, 1, seed=16, now=now))

    live.network.before = a_visit_saved_while_the_download_is_refused
    mark = len(live.network.log)
    progress = services.sync.sync_now()

    assert progress.last_error == "" and settled(device)
    assert one_copy_each(live.world, ids + late)
    after = [(method, target.split("?")[0], status) for method, target, status in live.network.log]
    assert after[mark:][:4] == [
        ("POST", "/sync/push", 200),  # what was waiting, first
        ("GET", "/sync/changes", 410),  # start over...
        ("POST", "/sync/push", 200),  # ...but only after sending what was saved meanwhile
        ("GET", "/sync/changes", 200),  # then the whole caseload again
    ]
    assert "cursor=" not in live.network.log[mark + 3][1]
    assert {r.child_id for r in services.caseload.rows()} == children


def test_revoked_device_is_wiped_on_its_next_contact(live: Live) -> None:
    device = live.device("device")
    record_visits(device, live.world.worker.load, 2, seed=17, now=live.world.clock())
    for d in sv.list_devices(db=live.world.db, practitioner_id=live.world.worker.practitioner_id):
        sv.revoke_device(db=live.world.db, device_id=d.device_id, now=live.world.clock())

    with pytest.raises(DeviceWipedError):
        device.services().sync.sync_now()

    assert not device.is_enrolled
    assert not any(device.data_dir.glob("records.db*"))
    assert live.network.requests("POST", "/sync/push")[-1][2] == 401


def test_the_next_batch_is_read_and_the_last_receipts_stored_while_a_batch_is_on_the_wire(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each wait below is answered only if the device overlaps its work with the server's; done
    one after the other, each would wait out its bound and the test fail (no timing measured)."""
    from mobile.services import sync as sync_service

    device = live.device("device")
    ids = record_visits(device, live.world.worker.load, 230, seed=14, now=live.world.clock())
    second_read, second_sent = threading.Event(), threading.Event()
    overlapped: list[str] = []
    real_read, real_store = sync_service.next_batch, sync_service.store_receipts
    reads = stores = 0

    def next_batch(**kwargs: object) -> object:
        nonlocal reads
        listing = real_read(**kwargs)  # type: ignore[arg-type]
        reads += 1
        if reads == 2:
            second_read.set()
        return listing

    def store_receipts(**kwargs: object) -> object:
        nonlocal stores
        stores += 1
        if stores == 1 and second_sent.wait(20):
            overlapped.append("receipts stored while the next batch was on the wire")
        return real_store(**kwargs)  # type: ignore[arg-type]

    pushes = 0

    def on_the_wire(request: httpx.Request) -> None:
        nonlocal pushes
        if request.url.path != "/sync/push":
            return
        pushes += 1
        if pushes == 1 and second_read.wait(20):
            overlapped.append("next batch read while the first was on the wire")
        if pushes == 2:
            second_sent.set()

    monkeypatch.setattr(sync_service, "next_batch", next_batch)
    monkeypatch.setattr(sync_service, "store_receipts", store_receipts)
    live.network.before = on_the_wire
    progress = device.services().sync.sync_now()
    assert overlapped == [
        "next batch read while the first was on the wire",
        "receipts stored while the next batch was on the wire",
    ]
    assert progress.last_error == "" and settled(device)
    assert [s for *_, s in live.network.requests("POST", "/sync/push")][:3] == [200, 200, 200]
    assert one_copy_each(live.world, ids)
