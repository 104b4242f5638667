"""A device says what it holds unsent on every request, and the central record keeps it on the
device's row: end to end through a real encrypted device store and the real central record. A
device that went quiet holding records shows on the manager's dashboard with how many and for
how long; once it has sent them, it says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from mobile.services.session import Session
from sync.client import SyncClient
from sync.server.tables import DeviceRow
from tests.console.helpers import make_console
from tests.services.conftest import FAST_KDF, PASSPHRASE, SERVER
from tests.services.devices import record_visits, settled
from tests.sync.helpers import TestClient, World


class LosesPushAnswers:
    """The device's line to the in-process central record, which can lose every push's answer
    after the central record has read it (a signal that drops as the phone leaves the house)."""

    def __init__(self, world: World) -> None:
        self.server = TestClient(world.app)
        self.lose = False
        self.headers: list[str | None] = []

    def connect(self, url: str, credential: str | None) -> SyncClient:
        assert url == SERVER
        http = httpx.Client(transport=httpx.MockTransport(self._handle), base_url=url)
        return SyncClient(http, credential=credential, sleep=lambda _s: None, max_attempts=1)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.headers.append(request.headers.get("Seen-Outbox"))
        answer = self.server.request(
            request.method, request.url.raw_path.decode(), content=request.read(),
            headers=request.headers,
        )  # fmt: skip
        if self.lose and request.url.path == "/sync/push":
            raise httpx.ReadError("the answer was lost", request=request)
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-encoding"}
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)


@pytest.fixture
def line(world: World) -> LosesPushAnswers:
    return LosesPushAnswers(world)


@pytest.fixture
def device(world: World, line: LosesPushAnswers, tmp_path: Path) -> Iterator[Session]:
    s = Session(data_dir=tmp_path / "d", clock=world.clock, connect=line.connect,
                kdf_params=FAST_KDF)  # fmt: skip
    s.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE)
    yield s
    s.close()


def _row(world: World) -> DeviceRow:
    with world.db.read() as s:
        [row] = list(s.exec(select(DeviceRow)))
    return row


def _later(world: World, device: Session, by: timedelta) -> None:
    """Time passes (the app locks when idle) and the practitioner unlocks it again."""
    world.clock.advance(by)
    device.lock_if_idle()
    device.unlock(PASSPHRASE)


def test_a_device_that_went_quiet_holding_visits_shows_with_how_many_and_how_long(
    world: World, device: Session, line: LosesPushAnswers
) -> None:
    sync = device.services().sync
    assert sync.sync_now().last_error == ""  # the caseload first
    assert _row(world).outbox_held == 0
    record_visits(device, world.worker.load, 3, seed=41, now=world.clock())
    _later(world, device, timedelta(hours=2))

    line.lose = True  # the push reaches the central record; its answer never comes back
    assert sync.sync_now().last_error != ""
    row = _row(world)
    assert row.outbox_held == 3 and "held=3; oldest=7200" in line.headers
    assert row.outbox_oldest_at == world.clock() - timedelta(hours=2)

    _later(world, device, timedelta(hours=25))  # quiet since: a day and more
    console = make_console(world)
    devices = console.signed_in().get("/console/").text.split('id="devices"')[1]
    assert "Worker (synthetic)" in devices and "3 records" in devices
    assert "1 working day" in devices  # Monday 10:30 saved, Tuesday 13:30 now

    line.lose = False
    assert sync.sync_now().last_error == "" and settled(device)
    row = _row(world)
    assert (row.outbox_held, row.outbox_oldest_at) == (0, None)
    assert line.headers[-1] == "held=0; oldest=0"  # the download, after the push, says so
    devices = console.signed_in().get("/console/").text.split('id="devices"')[1]
    assert "Every device has synced" in devices
