"""Devices for end-to-end sync tests: a real Session (encrypted store, small KDF) recording synthetic
visits, talking to the central record in-process or over real HTTP through a transport with faults.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa

from mobile.services.session import Session
from seen_cli.loadtest.devices import FAST_KDF, PASSPHRASE, record_visits, settled
from sync.client import SyncClient
from sync.server.tables import RecordRevisionRow, VisitRevisionRow, table_of
from tests.sync.helpers import World

__all__ = [
    "FaultyNetwork",
    "copies_on_server",
    "receipts_on_server",
    "record_visits",
    "settled",
]


def copies_on_server(world: World, visit_ids: Iterable[UUID]) -> dict[UUID, tuple[int, int]]:
    """For each visit: (record_revision rows, visit_revision rows) at the central record."""
    ids = list(visit_ids)
    rr, vr = table_of(RecordRevisionRow).c, table_of(VisitRevisionRow).c
    with world.db.read() as s:
        records = dict(
            s.execute(
                sa.select(rr.record_id, sa.func.count())
                .where(rr.record_id.in_(ids))
                .group_by(rr.record_id)
            ).all()
        )
        visits = dict(
            s.execute(
                sa.select(vr.visit_id, sa.func.count())
                .where(vr.visit_id.in_(ids))
                .group_by(vr.visit_id)
            ).all()
        )
    return {i: (records.get(i, 0), visits.get(i, 0)) for i in ids}


def receipts_on_server(world: World, visit_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    rr = table_of(RecordRevisionRow).c
    with world.db.read() as s:
        rows = s.execute(
            sa.select(rr.record_id, rr.receipt_id).where(rr.record_id.in_(list(visit_ids)))
        ).all()
    return {r.record_id: r.receipt_id for r in rows}


@dataclass
class FaultyNetwork:
    """The device's network over real HTTP: every request is logged as (method, path, status) and
    `before(request)` may break things first (kill the server, drop the line...). Each connect()
    builds a fresh SyncClient, as the app does; close() closes them all."""

    before: Callable[[httpx.Request], None] | None = None
    on_sleep: Callable[[float], None] | None = None
    max_attempts: int = 3
    log: list[tuple[str, str, int]] = field(default_factory=list)
    bodies: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    _clients: list[httpx.Client] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self, url: str, credential: str | None) -> SyncClient:
        http = httpx.Client(base_url=url, transport=_Transport(self))
        with self._lock:
            self._clients.append(http)
        return SyncClient(
            http,
            credential=credential,
            sleep=self._sleep,
            max_attempts=self.max_attempts,
            timeout=httpx.Timeout(15.0, connect=2.0),
        )

    def session(self, data_dir: Path, world: World) -> Session:
        return Session(
            data_dir=data_dir, clock=world.clock, connect=self.connect, kdf_params=FAST_KDF
        )

    def enrolled(self, data_dir: Path, world: World, server_url: str, who: Any) -> Session:
        session = self.session(data_dir, world)
        session.enrol(server_url=server_url, code=world.code_for(who), passphrase=PASSPHRASE)
        return session

    def requests(self, method: str, path: str) -> list[tuple[str, str, int]]:
        return [entry for entry in self.log if entry[0] == method and entry[1].startswith(path)]

    def _sleep(self, delay: float) -> None:
        if self.on_sleep is not None:
            self.on_sleep(delay)

    def close(self) -> None:
        for http in self._clients:
            http.close()


class _Transport(httpx.BaseTransport):
    def __init__(self, network: FaultyNetwork) -> None:
        self.network = network
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        if request.method == "POST" and target == "/sync/push":
            request.read()
            self.network.bodies.append((dict(request.headers), request.content))
        if self.network.before is not None:
            self.network.before(request)
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError:
            self.network.log.append((request.method, target, 0))
            raise
        self.network.log.append((request.method, target, response.status_code))
        return response

    def close(self) -> None:
        self.inner.close()
