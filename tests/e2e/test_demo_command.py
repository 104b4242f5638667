"""`seen demo` as a practitioner runs it: it says where to open the app and the passphrase, both
processes answer, Ctrl+C stops both, the device holds a caseload that looks real, and running it
again reuses the data dir."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mobile.services.session import Session
from mobile.services.shapes import ChildFlag
from seen_cli.demo import (
    CHILDREN,
    DEMO_CONSOLE_PASSWORD,
    DEMO_CONSOLE_USERNAME,
    DEMO_ORG,
    DEMO_PASSPHRASE,
    seen_command,
)
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.slow


def _start(
    data_dir: Path, port: int, server_port: int, *, stdin: int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        seen_command("demo", "--data-dir", str(data_dir), "--port", str(port),
                     "--server-port", str(server_port)),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=stdin, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl+C"):
            return process, lines
    pytest.fail("seen demo ended early:\n" + "\n".join(lines))


def _ctrl_c(process: subprocess.Popen[str]) -> str:
    os.killpg(process.pid, signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return rest


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _manager_signs_in(console: str) -> str:
    """The dashboard's HTML, as the demo's manager signs in with what the demo printed."""
    with httpx.Client(base_url=console, timeout=10, follow_redirects=True) as http:
        form = http.get("sign-in").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        page = http.post("sign-in", data={
            "csrf_token": token, "org_id": DEMO_ORG, "username": DEMO_CONSOLE_USERNAME,
            "password": DEMO_CONSOLE_PASSWORD,
        })  # fmt: skip
        assert page.status_code == 200 and "Signed in as" in page.text, page.text
        return page.text


def test_seen_demo_starts_both_parts_stops_on_ctrl_c_and_reuses_its_data(tmp_path: Path) -> None:
    data_dir, port, server_port = tmp_path / "demo", free_port(), free_port()
    process, lines = _start(data_dir, port, server_port)
    try:
        said = "\n".join(lines)
        assert f"Open http://127.0.0.1:{port}/ in a browser" in said
        assert f"Passphrase: {DEMO_PASSPHRASE}" in said
        console = f"http://127.0.0.1:{server_port}/console/"
        assert (
            f"Manager's console: {console} (organisation {DEMO_ORG}, username "
            f"{DEMO_CONSOLE_USERNAME}, password {DEMO_CONSOLE_PASSWORD})"
        ) in said
        health = httpx.get(f"http://127.0.0.1:{server_port}/healthz", timeout=5)
        assert health.json()["status"] == "ok"
        board = _manager_signs_in(console)
        not_seen = board.split('id="not-seen"')[1].split('id="flags"')[0]
        assert "not seen, most urgent first" in not_seen  # a child not seen, at the top
        assert "Who is overdue, and by how much" in board  # the plans the demo set
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        rest = _ctrl_c(process)
    assert process.returncode == 0, rest
    assert "Stopping the app and the central record" in rest
    assert not _listening(port) and not _listening(server_port)
    assert (data_dir / "server" / "central-record.sqlite3").exists()

    device = Session(data_dir=data_dir / "device", clock=lambda: datetime.now(UTC),
                     connect=lambda _url, _credential: pytest.fail("no sync here"))  # fmt: skip
    try:
        device.unlock(DEMO_PASSPHRASE)
        rows = device.services().caseload.rows()
        assert device.services().sync.progress().pending == 0  # all acknowledged at set-up
    finally:
        device.close()
    assert len(rows) == CHILDREN
    overdue = [r for r in rows if r.days_overdue > 0]
    assert 0 < len(overdue) < CHILDREN
    assert all(r.last_seen is not None for r in rows)  # everyone seen at some visit
    assert any(ChildFlag.NOT_SEEN_LAST_VISIT in r.flags for r in rows)
    assert any(ChildFlag.CONCERN_AWAITING_ACK in r.flags for r in rows)

    again, lines = _start(data_dir, port, server_port)
    try:
        assert f"Reusing the demo in {data_dir}" in "\n".join(lines)
    finally:
        _ctrl_c(again)
    assert again.returncode == 0


def test_enter_takes_the_central_record_down_and_brings_it_back_while_the_app_stays_up(
    tmp_path: Path,
) -> None:
    data_dir, port, server_port = tmp_path / "demo", free_port(), free_port()
    process, _lines = _start(data_dir, port, server_port, stdin=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("\n")
        process.stdin.flush()
        assert "central record is down" in process.stdout.readline()
        assert not _listening(server_port)
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        process.stdin.write("\n")
        process.stdin.flush()
        assert "central record is back" in process.stdout.readline()
        health = httpx.get(f"http://127.0.0.1:{server_port}/healthz", timeout=5)
        assert health.json()["status"] == "ok"
    finally:
        rest = _ctrl_c(process)
    assert process.returncode == 0, rest
    assert not _listening(port) and not _listening(server_port)
