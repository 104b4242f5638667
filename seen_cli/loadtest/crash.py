"""A device killed for real in the middle of a sync: a subprocess opens the device's store from
disk, starts a sync and SIGKILLs itself `delay` seconds in (wherever the sync has got to: the
batch marked sent, the push on the wire, the receipts half stored). The caller then opens the
store again and syncs: nothing the device held may be lost or sent twice.

    python -m seen_cli.loadtest.crash DATA_DIR SKEW_SECONDS DELAY
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["sync_and_die"]


def sync_and_die(data_dir: Path, *, skew: timedelta, delay: float, timeout: float = 120) -> int:
    """Run the dying sync; its return code (-SIGKILL if the kill landed before the sync ended,
    0 if the sync finished first)."""
    from seen_cli.loadtest.server import ROOT

    command = [
        sys.executable, "-m", "seen_cli.loadtest.crash",
        str(data_dir), str(skew.total_seconds()), str(delay),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True)
    return done.returncode


def _main(data_dir: Path, skew: timedelta, delay: float) -> None:
    import httpx

    from mobile.services.session import Session
    from seen_cli.loadtest.devices import PASSPHRASE
    from sync.client import SyncClient

    def connect(url: str, credential: str | None) -> SyncClient:
        return SyncClient(httpx.Client(base_url=url), credential=credential, max_attempts=1)

    session = Session(data_dir=data_dir, clock=lambda: datetime.now(UTC) + skew, connect=connect)
    session.unlock(PASSPHRASE)
    session.services()  # everything opened before the clock starts
    threading.Timer(delay, os.kill, args=(os.getpid(), signal.SIGKILL)).start()
    session.services().sync.sync_now()
    os._exit(0)  # finished before the kill: no clean-up either, as if killed just after


if __name__ == "__main__":
    _main(Path(sys.argv[1]), timedelta(seconds=float(sys.argv[2])), float(sys.argv[3]))
