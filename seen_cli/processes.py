"""Commands in the background, each in its own process group: the demo's central record and app.

`Background.stop()` ends the whole group (a web server's workers included), so stopping the
demo, or a test stopping the server alone to go offline, leaves nothing holding a port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

__all__ = [
    "HOST",
    "Background",
    "ProcessFailed",
    "app_process",
    "seen_command",
    "server_process",
    "tail",
]

HOST = "127.0.0.1"


class ProcessFailed(click.ClickException):
    """A background part did not start: the message says what to do."""


def seen_command(*args: str) -> list[str]:
    """`seen <args>` with this interpreter's environment (the console script when installed)."""
    script = Path(sys.executable).with_name("seen")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from seen_cli.main import cli; cli()", *args]


class Background:
    """A command in its own process group: stop() ends the whole group (a web server's workers
    included), and start() may be called again after stop()."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        log_path: Path,
        ready_url: str,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.log_path = log_path
        self.ready_url = ready_url
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> Background:
        if self.running:
            return self
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                self.command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise ProcessFailed(
                    f"The {self.name} stopped while starting. The end of {self.log_path}:\n"
                    + tail(self.log_path)
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.ready_url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.05)
        raise ProcessFailed(
            f"The {self.name} did not answer within {timeout:.0f} s: see {self.log_path}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _clean_env(*drop: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in drop}


def server_process(root: Path, port: int) -> Background:
    """The central record (`seen server`) on the embedded SQLite file in <root>/server."""
    return Background(
        "central record",
        seen_command("server", "--data-dir", str(root / "server"), "--host", HOST,
                     "--port", str(port)),
        log_path=root / "logs" / "server.log",
        ready_url=f"http://{HOST}:{port}/healthz",
        env=_clean_env("SEEN_DATABASE_URL"),  # the demo is always the embedded SQLite file
    )  # fmt: skip


def app_process(root: Path, port: int) -> Background:
    """The practitioner app in web mode (`seen app --web`, offline assets) over <root>/device."""
    return Background(
        "app",
        seen_command("app", "--web", "--port", str(port), "--data-dir", str(root / "device")),
        log_path=root / "logs" / "app.log",
        ready_url=f"http://{HOST}:{port}/",
        env=_clean_env("FLET_APP_STORAGE_DATA"),  # it would override --data-dir
    )
