"""Browser fixtures: Debian's Chromium through Playwright (never a downloaded browser), servers in
their own process groups, screenshots at phone size under artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_or_skip

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 412, "height": 915}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A child process in its own session; stop() ends the whole group."""

    def __init__(self, cmd: list[str], *, log: Path) -> None:
        self.cmd = cmd
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        require_or_skip("SEEN_REQUIRE_BROWSER", "Debian's Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport=PHONE,
        )
        yield ctx
        ctx.close()


class Ui:
    """The app in the browser, driven by accessible role and name."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def open(self, url: str) -> None:
        self.page.goto(url)
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=60_000)
        placeholder.evaluate("e => e.click()")  # Flutter's accessibility tree on
        self.wait(self.page.get_by_role("button"), timeout=60)
        self.page.wait_for_timeout(1000)  # the tree settles after it is switched on

    def wait(self, locator: Any, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if locator.count() > 0:
                return locator.first
            time.sleep(0.1)
        raise TimeoutError(f"not shown: {locator}")

    def role(self, role: str, name: str | re.Pattern[str]) -> Any:
        exact = isinstance(name, str) or None
        return self.wait(self.page.get_by_role(role, name=name, exact=exact))

    def text(self, fragment: str) -> Any:
        return self.wait(self.page.get_by_text(fragment, exact=False))

    def fill(self, name: str, value: str) -> None:
        self.role("textbox", name).fill(value)

    def click(self, name: str | re.Pattern[str]) -> None:
        self.role("button", name).click()
        self.page.wait_for_timeout(300)  # the app answers over the websocket

    def choose(self, question: str, option: str) -> None:
        group = self.role("group", re.compile("^" + re.escape(question)))
        radio = group.get_by_role("radio", name=option, exact=True)
        if radio.count() == 0:
            group.get_by_role("button").first.click()
            self.wait(radio)
        radio.first.click()
        self.page.wait_for_timeout(300)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(1000)  # the canvas paints ~1 s after the tree
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def fake_stack(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The real UI over in-memory services; "the server" is a plain HTTP server we can stop."""
    app_port, server_port = free_port(), free_port()
    server = Proc([sys.executable, "-m", "http.server", str(server_port), "--bind", "127.0.0.1"],
                  log=tmp_path / "server.log")  # fmt: skip
    app = Proc([sys.executable, "tests/e2e/fake_app.py", "--port", str(app_port),
                "--server-port", str(server_port)], log=tmp_path / "app.log")  # fmt: skip
    server.start()
    app.start()
    try:
        wait_port(app_port)
        wait_port(server_port)
        yield {"url": f"http://127.0.0.1:{app_port}/", "server": server, "server_port": server_port}
    finally:
        app.stop()
        server.stop()
