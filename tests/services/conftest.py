"""A device (Session over a real encrypted store) enrolled with a real central record in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mobile.services.session import Session
from seen_cli.loadtest.devices import FAST_KDF, PASSPHRASE
from sync.client import SyncClient
from tests.sync.helpers import TestClient, World, make_world

SERVER = "http://testserver"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = make_world(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    yield w
    w.db.dispose()


class Network:
    """The device's signal: when down, every connection is refused before reaching the server."""

    def __init__(self) -> None:
        self.up = True


def make_session(world: World, data_dir: Path, network: Network | None = None) -> Session:
    signal = network or Network()

    def connect(url: str, credential: str | None) -> SyncClient:
        assert url == SERVER
        if not signal.up:
            http = httpx.Client(transport=httpx.MockTransport(_refuse), base_url=url)
            return SyncClient(http, credential=credential, sleep=lambda _s: None, max_attempts=2)
        return SyncClient(
            TestClient(world.app), credential=credential, sleep=lambda _s: None, timeout=None
        )

    return Session(data_dir=data_dir, clock=world.clock, connect=connect, kdf_params=FAST_KDF)


def _refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no route to host", request=request)


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def session(world: World, tmp_path: Path, network: Network) -> Iterator[Session]:
    s = make_session(world, tmp_path / "device", network)
    s.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE)
    yield s
    s.close()
