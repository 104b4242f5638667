"""The peer the sync figures are compared with, in the same run (`seen bench --peer`): PouchDB
replicating visit-sized documents into express-pouchdb, both in memory, over HTTP on 127.0.0.1
(benchmarks/peer/, from ../shared/peers/pouchdb with its packages pinned by package-lock.json).
No encryption and nothing durable: a lower bound for what sync costs on this machine."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx

from benchmarks.live import free_port
from seen_cli.processes import HOST, Background

__all__ = ["Peer", "peer_missing"]

HERE = Path(__file__).parent / "peer"


def peer_missing() -> str | None:
    """Why the peer cannot run here (no Node.js), or None once its packages are installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "Node.js and npm are not installed (apt-get install nodejs npm)"
    lock = (HERE / "package-lock.json").read_bytes()
    marker = HERE / "node_modules" / ".installed-lock"
    if not marker.exists() or marker.read_bytes() != lock:
        # Once per lock: the exact versions and integrity hashes it names, no install scripts.
        subprocess.run(  # noqa: S603 - our own command, no shell
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
            cwd=HERE, check=True, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        marker.write_bytes(lock)
    return None


class Peer:
    """The peer's server, started once; `push(n)` replicates n documents into an empty database
    and returns the seconds the replication took (as the peer's client measures it)."""

    def __init__(self) -> None:
        node = shutil.which("node")
        assert node is not None, "peer_missing() first"
        self.node = node
        self.port = free_port()
        self._folder = tempfile.TemporaryDirectory(prefix="seen-bench-peer-")
        self.server = Background(
            "peer", [node, str(HERE / "server.js"), str(self.port)],
            log_path=Path(self._folder.name) / "peer.log",
            ready_url=f"http://{HOST}:{self.port}/",
        )  # fmt: skip
        self.server.start().wait_ready()

    def push(self, n: int) -> float:
        httpx.delete(f"http://{HOST}:{self.port}/central", timeout=30)  # start from empty
        out = subprocess.run(  # noqa: S603 - our own command, no shell
            [self.node, str(HERE / "client.js"), str(self.port), str(n)],
            cwd=HERE, check=True, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["docs_written"] == n and result["remote_count"] == n, result
        return float(result["seconds"])

    def close(self) -> None:
        self.server.stop()
        self._folder.cleanup()
