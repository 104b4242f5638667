"""The audit's lower-severity findings at the central record's edge, each against the real thing:
slow requests cut off, forged X-Forwarded-For ignored, a private SQLite file, Allow on 405, bytes
after a gzip stream refused, and gzip pushes logged with their route."""

from __future__ import annotations

import gzip
import json
import os
import select
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sync import protocol
from sync.client import SyncClient
from sync.protocol import PushItem, PushRequest
from sync.server import Settings, create_app
from sync.server.middleware import client_address
from tests.sync.helpers import FakeClock, World, make_world, visit_items
from tests.sync.live import LiveServer

_JSON = {"Content-Type": "application/json"}
GENEROUS = 20.0  # seconds: how long a test waits for what the server must do within 1 s


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[World, LiveServer]]]:
    """Start `seen server` with extra options; a World on the same SQLite file issues codes."""
    running: list[tuple[World, LiveServer]] = []

    def start(*args: str) -> tuple[World, LiveServer]:
        data_dir = tmp_path / "server"
        data_dir.mkdir()
        world = make_world(
            f"sqlite:///{data_dir / 'central-record.sqlite3'}", FakeClock(datetime.now(UTC))
        )
        server = LiveServer(data_dir, log_path=tmp_path / "server.log", args=args)
        server.start()
        running.append((world, server))
        return world, server

    yield start
    for world, server in running:
        server.stop()
        world.db.dispose()


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or resets it)."""
    sock.settimeout(GENEROUS)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def _status_and_code(raw: bytes) -> tuple[int, str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)["code"]


@pytest.mark.slow
def test_half_sent_body_is_answered_408_and_the_connection_closed(
    serve: Callable[..., tuple[World, LiveServer]],
) -> None:
    _, server = serve("--request-timeout", "1")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 200\r\n\r\n{"code": "half'
        )
        started = time.monotonic()
        raw = _answer(sock)  # returns only once the server has closed
    assert time.monotonic() - started < GENEROUS
    assert _status_and_code(raw) == (408, protocol.REQUEST_TIMEOUT)
    assert b"connection: close" in raw.lower()


@pytest.mark.slow
def test_half_sent_headers_are_answered_408_and_the_connection_closed(
    serve: Callable[..., tuple[World, LiveServer]],
) -> None:
    _, server = serve("--request-timeout", "1")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /enrol HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        raw = _answer(sock)
    assert _status_and_code(raw) == (408, protocol.REQUEST_TIMEOUT)


@pytest.mark.slow
def test_headers_trickled_a_byte_at_a_time_are_still_cut_off(
    serve: Callable[..., tuple[World, LiveServer]],
) -> None:
    """Sending something now and then does not restart the deadline (a slow-loris)."""
    _, server = serve("--request-timeout", "1")
    header = b"POST /enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" * 4
    closed = False
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        for byte in header:  # ~70 s of trickle if nobody stops it
            readable, _, _ = select.select([sock], [], [], 0.25)
            if readable:
                closed = True
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # the server has closed its end
                closed = True
                break
    assert closed


@pytest.mark.slow
def test_forged_x_forwarded_for_does_not_dodge_the_enrolment_limiter(
    serve: Callable[..., tuple[World, LiveServer]],
) -> None:
    world, server = serve()
    statuses = []
    with httpx.Client(base_url=server.url) as http:
        for n in range(world.settings.enrol_failures_per_minute + 1):
            answer = http.post(
                "/enrol",
                json={"code": "not-a-code", "device_id": str(uuid.uuid4())},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},  # a new "client" each time
            )
            statuses.append(answer.status_code)
    assert statuses[:-1] == [400] * world.settings.enrol_failures_per_minute
    assert statuses[-1] == 429


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy() -> None:
    def scope(peer: str, forwarded: str) -> dict[str, object]:
        return {"client": (peer, 5000), "headers": [(b"x-forwarded-for", forwarded.encode())]}

    proxies = ("10.0.0.0/8",)
    assert client_address(scope("127.0.0.1", "203.0.113.9"), ()) == "127.0.0.1"
    assert client_address(scope("127.0.0.1", "203.0.113.9"), proxies) == "127.0.0.1"
    assert client_address(scope("10.1.2.3", "203.0.113.9"), proxies) == "203.0.113.9"
    # The client may write its own X-Forwarded-For: only the hop the proxy added is believed.
    assert client_address(scope("10.1.2.3", "1.2.3.4, 203.0.113.9"), proxies) == "203.0.113.9"
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(database_url="sqlite://", trusted_proxies=("proxy.example",))


def test_central_sqlite_file_is_created_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        settings = Settings.for_data_dir(tmp_path / "server")
        world = make_world(settings.database_url)
    finally:
        os.umask(old)
    try:
        folder = tmp_path / "server"
        files = [folder / f"central-record.sqlite3{s}" for s in ("", "-wal", "-shm")]
        assert all(f.exists() for f in files)  # WAL mode, after writes
        assert {f.name: f.stat().st_mode & 0o777 for f in files} == {f.name: 0o600 for f in files}
        assert folder.stat().st_mode & 0o777 == 0o700
    finally:
        world.db.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    settings = Settings.for_data_dir(tmp_path / "server")
    make_world(settings.database_url).db.dispose()
    database = tmp_path / "server" / "central-record.sqlite3"
    database.chmod(0o644)
    create_app(settings).state.db.dispose()
    assert database.stat().st_mode & 0o777 == 0o600


def _push_body(world: World) -> bytes:
    """A real push of one of the worker's synthetic visits, as the device would send it."""
    assert world.worker.load is not None
    items = [PushItem.of(visit_items(world.worker.load)[0])]
    return PushRequest(items=items).model_dump_json().encode()


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    world = make_world(f"sqlite:///{tmp_path / 'central-record.sqlite3'}")
    yield world
    world.db.dispose()


def test_405_answer_names_the_allowed_methods(sqlite_world: World) -> None:
    answer = sqlite_world.http.get("/sync/push")
    assert answer.status_code == 405
    assert answer.json()["code"] == protocol.REQUEST_METHOD_NOT_ALLOWED
    assert answer.headers["Allow"] == "POST"


def test_405_names_the_methods_of_every_route_at_the_address(sqlite_world: World) -> None:
    # GET and PUT .../plan are two routes: the router's own answer named only the first's (fuzzer).
    answer = sqlite_world.http.delete(f"/v1/children/{uuid.uuid4()}/plan")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, PUT"


@pytest.mark.parametrize(
    "after", [b"trailing junk", gzip.compress(b'{"items": []}')], ids=["junk", "second-member"]
)
def test_bytes_after_the_gzip_stream_are_refused(sqlite_world: World, after: bytes) -> None:
    device = sqlite_world.device(sqlite_world.worker)
    body = _push_body(sqlite_world)
    headers = {**sqlite_world.headers(device), "Content-Encoding": "gzip", **_JSON}
    answer = sqlite_world.http.post(
        "/sync/push", content=gzip.compress(body) + after, headers=headers
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == protocol.REQUEST_BAD_ENCODING
    plain = sqlite_world.http.post("/sync/push", content=gzip.compress(body), headers=headers)
    assert plain.status_code == 200  # one whole gzip stream is still fine


@pytest.mark.slow
def test_gzip_compressed_push_is_logged_with_its_route(
    serve: Callable[..., tuple[World, LiveServer]],
) -> None:
    world, server = serve()
    load = world.worker.load
    assert load is not None
    with httpx.Client(base_url=server.url) as http:
        device = SyncClient(http, credential=None, sleep=lambda _s: None)
        device.enrol(world.code_for(world.worker), device_id=uuid.uuid4())
        body = _push_body(world)
        answer = http.post(
            "/sync/push",
            content=gzip.compress(body),
            headers={
                "Authorization": f"Bearer {device.credential}",
                "Content-Encoding": "gzip",
                **_JSON,
            },
        )
        assert answer.status_code == 200
        device.push(visit_items(load))  # the client's own gzip, over GZIP_ABOVE bytes
    server.stop()
    log = server.log_path.read_text(errors="replace")
    assert log.count("POST push -> 200") == 2
    assert "unrouted" not in log
