"""The central record's own log (a real uvicorn, everything it prints) holds no personal data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from models.lifecycle import submit
from models.receipt import RecordKind
from sync.client import SyncClient
from tests.sync.helpers import FakeClock, World, item_of, make_world, visit_items
from tests.sync.live import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[World, LiveServer]]:
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    world = make_world(
        f"sqlite:///{data_dir / 'central-record.sqlite3'}", FakeClock(datetime.now(UTC))
    )
    server = LiveServer(data_dir, log_path=tmp_path / "server.log")
    server.start()
    yield world, server
    server.stop()
    world.db.dispose()


def test_server_log_holds_no_names_notes_or_quotes(live: tuple[World, LiveServer]) -> None:
    world, server = live
    load = world.worker.load
    assert load is not None
    with httpx.Client(base_url=server.url) as http:
        device = SyncClient(http, credential=None, sleep=lambda _s: None)
        device.enrol(world.code_for(world.worker), device_id=uuid.uuid4())
        device.push(visit_items(load))
        locked = submit(load.visits[0], at=world.clock()).model_copy(
            update={"visit_id": uuid.uuid4(), "visit_outcome": None}
        )
        [refused] = device.push([item_of(locked, RecordKind.VISIT, locked.visit_id)]).receipts
        assert refused.status == "rejected"
        list(device.iter_changes(None))
        for child in load.children:
            http.get(
                f"/children/{child.child_id}",
                headers={"Authorization": f"Bearer {device.credential}"},
            )
        http.post("/sync/push", content=b"{not json", headers={"Authorization": "Bearer forged"})
    server.stop()
    log = server.log_path.read_text(errors="replace")
    assert "listening on" in log  # we are reading the real server's log
    secrets = {p.name for p in load.people} | {c.name for c in load.children}
    secrets |= {h.address for h in load.households}
    secrets |= {q.text for v in load.visits for c in v.children for q in c.voice.words_verbatim}
    secrets |= {c.content for c in load.concerns}
    leaked = sorted(s for s in secrets if s and s in log)
    assert leaked == []
