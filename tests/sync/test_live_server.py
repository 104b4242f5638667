"""Against a real uvicorn on 127.0.0.1: dropped connections, restarts, replays, two devices at
once. The server must hold exactly one copy of each visit and every device must end acknowledged."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from models.receipt import ReceiptStatus
from sync import protocol
from sync.client import SyncClient, TransportFailed
from sync.server.tables import RecordRevisionRow, VisitRevisionRow
from tests.sync.helpers import FakeClock, World, make_world, visit_items
from tests.sync.live import DroppingProxy, LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[World, LiveServer]]:
    """A populated central record on a SQLite data dir, served by a real uvicorn."""
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    clock = FakeClock(datetime.now(UTC))  # the server runs on real time
    world = make_world(f"sqlite:///{data_dir / 'central-record.sqlite3'}", clock)
    server = LiveServer(data_dir, log_path=tmp_path / "server.log")
    server.start()
    yield world, server
    server.stop()
    for http in _OPEN:
        http.close()
    _OPEN.clear()
    world.db.dispose()


_OPEN: list[httpx.Client] = []


def _device(world: World, url: str, **kw: object) -> SyncClient:
    http = httpx.Client(base_url=url)
    _OPEN.append(http)
    client = SyncClient(http, credential=None, sleep=lambda _s: None, **kw)  # type: ignore[arg-type]
    client.enrol(world.code_for(world.worker), device_id=uuid.uuid4())
    return client


def _acknowledged(receipts: list) -> bool:  # type: ignore[type-arg]
    return all(r.status.acknowledged for r in receipts)


def test_batch_replayed_after_a_dropped_connection_leaves_one_copy(
    live: tuple[World, LiveServer],
) -> None:
    world, server = live
    proxy = DroppingProxy(server.port)
    try:
        device = _device(world, proxy.url)
        items = visit_items(world.worker.load)
        proxy.drop_responses = 1  # the server commits and answers; the answer is lost
        answer = device.push(items)
        assert proxy.dropped == 1
        assert [r.status for r in answer.receipts] == [ReceiptStatus.DUPLICATE] * len(items)
        assert _acknowledged(answer.receipts)
        again = device.push(items)  # and once more, for good measure
        assert [r.receipt_id for r in again.receipts] == [r.receipt_id for r in answer.receipts]
    finally:
        proxy.close()
    assert world.count(RecordRevisionRow) == len(items)
    assert world.count(VisitRevisionRow) == len(items)


def test_server_restarted_between_attempts_then_replay(live: tuple[World, LiveServer]) -> None:
    world, server = live
    items = visit_items(world.worker.load)
    first, rest = items[:3], items[3:]
    restarted: list[float] = []

    def sleep_and_bring_server_back(_delay: float) -> None:
        if not restarted:
            server.start()
        restarted.append(_delay)

    device = _device(world, server.url, max_attempts=5)
    assert _acknowledged(device.push(first).receipts)
    server.stop(hard=True)  # killed: no graceful shutdown
    with pytest.raises(TransportFailed):
        SyncClient(
            device.http, credential=device.credential, sleep=lambda _s: None, max_attempts=2
        ).push(items)
    device._sleep = sleep_and_bring_server_back
    answer = device.push(items)  # the whole batch again, after the restart
    assert restarted
    assert [r.status for r in answer.receipts[:3]] == [ReceiptStatus.DUPLICATE] * 3
    assert [r.status for r in answer.receipts[3:]] == [ReceiptStatus.ACCEPTED] * len(rest)
    assert world.count(RecordRevisionRow) == len(items)


def test_two_devices_pushing_at_once_leave_one_copy_each(live: tuple[World, LiveServer]) -> None:
    world, server = live
    items = visit_items(world.worker.load)
    devices = [_device(world, server.url), _device(world, server.url)]
    results: dict[int, list] = {}  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def push(n: int) -> None:
        try:
            receipts = []
            for item in items if n == 0 else list(reversed(items)):
                receipts.extend(devices[n].push([item]).receipts)
            results[n] = receipts
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for receipts in results.values():
        assert len(receipts) == len(items) and _acknowledged(receipts)
    accepted = [r for rs in results.values() for r in rs if r.status == ReceiptStatus.ACCEPTED]
    assert len(accepted) == len(items)
    assert world.count(RecordRevisionRow) == len(items)


def test_two_server_processes_on_postgresql_serve_two_devices_one_copy_each(
    pg_database: str, tmp_path: Path
) -> None:
    """`seen server --workers 2`: two processes share the port and the database; each device's
    visits are stored once, and a wrong enrolment code counts in both."""
    clock = FakeClock(datetime.now(UTC))  # the server runs on real time
    world = make_world(pg_database, clock)
    server = LiveServer(
        tmp_path / "server", log_path=tmp_path / "server.log",
        args=["--db", pg_database, "--workers", "2"],
    )  # fmt: skip
    server.start(timeout=60)
    try:
        workers = _children(server)
        assert len(workers) == 2, workers
        items = visit_items(world.worker.load)
        devices = [_device(world, server.url), _device(world, server.url)]
        halves = [items[: len(items) // 2], items[len(items) // 2 :]]
        receipts = [
            r for d, half in zip(devices, halves, strict=True) for r in d.push(half).receipts
        ]
        assert _acknowledged(receipts) and len(receipts) == len(items)
        assert world.count(RecordRevisionRow) == len(items)
        wrong = {"code": "AAAA-BBBB-CCCC"}
        codes = []
        with httpx.Client(base_url=server.url) as http:  # new connections: either process
            for _ in range(world.settings.enrol_failures_per_minute + 1):
                answer = http.post(
                    "/enrol", json=wrong | {"device_id": str(uuid.uuid4())},
                    headers={"Connection": "close"},
                )  # fmt: skip
                codes.append(answer.json()["code"])
        assert codes[-1] == protocol.RATE_LIMITED, codes
    finally:
        server.stop()
        for http in _OPEN:
            http.close()
        _OPEN.clear()
        world.db.dispose()


def _children(server: LiveServer) -> list[int]:
    """The process ids of the server's worker processes (Linux /proc; uvicorn spawns them)."""
    assert server.process is not None
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        command = (status.parent / "cmdline").read_bytes() if status.parent.exists() else b""
        if fields.get("PPid", "").strip() == str(server.process.pid) and b"spawn_main" in command:
            found.append(int(status.parent.name))  # a worker, not multiprocessing's tracker
    return found
