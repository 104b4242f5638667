"""A real central record for a load or fault run: `seen server` under uvicorn in a subprocess on
127.0.0.1 (SQLite in its data dir, or a --db URL), which can be stopped, SIGKILLed and restarted
on the same port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

__all__ = ["LiveServer", "free_port"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, data_dir: Path, *, log_path: Path, args: Sequence[str] = ()) -> None:
        self.data_dir = data_dir
        self.args = list(args)  # more `seen server` options
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        command = [
            sys.executable, "-c", "from seen_cli.main import cli; cli()",
            "server", "--data-dir", str(self.data_dir), "--port", str(self.port), *self.args,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("SEEN_DATABASE_URL", None)
        with open(self.log_path, "ab") as log:
            # Its own process group: with --workers the server is a supervisor and its workers,
            # and a kill must reach them all (else an orphan keeps the port).
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"server exited early: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=0.5).status_code == 200:
                    return
            time.sleep(0.05)
        self.stop(hard=True)  # never leave it running behind the error
        raise RuntimeError("server did not answer /healthz in time")

    def stop(self, *, hard: bool = False) -> None:
        if self.process is None:
            return
        group = (
            self.process.pid
        )  # the group's id (start_new_session): a SIGKILL reaches workers too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL if hard else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def restart(self, *, hard: bool = False) -> None:
        self.stop(hard=hard)
        self.start()
