"""The central record as a council runs it, for the sync figures: `seen server` (uvicorn) in its
own process on 127.0.0.1, over a database prepared here with one practitioner holding a synthetic
caseload; devices reach it over real sockets (httpx), as a phone does. The server keeps its own
clock (the wall clock), so codes and devices here use it too."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from mobile.services.session import Session
from mobile.store import KdfParams
from seen_cli.processes import HOST, Background, seen_command
from sync.client import SyncClient
from synthetic import SyntheticCaseload
from synthetic.load import load_synthetic_caseload

__all__ = ["DEVICE_KDF", "PASSPHRASE", "LiveCentralRecord", "free_port", "prepare"]

DEVICE_KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)  # unlocking is not measured
PASSPHRASE = "benchmark lantern orbit cobble"  # noqa: S105 - a throwaway store


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def prepare(db: Any, load: SyntheticCaseload, role: str, now: datetime) -> None:
    """An organisation, a team, the practitioner of `load` in `role`, and their caseload."""
    from sync.server import services as sv

    org = load.organisation_id
    sv.create_organisation(db=db, org_id=org, name="Bench (synthetic)", now=now)
    team = sv.create_team(db=db, org_id=org, name="Bench team", now=now)
    sv.create_practitioner(
        db=db, org_id=org, display_name="Bench practitioner (synthetic)",
        role=sv.StaffRole(role), team_id=team, practitioner_id=load.practitioner_id, now=now,
    )  # fmt: skip
    load_synthetic_caseload(db=db, load=load, now=now)


def _now() -> datetime:
    return datetime.now(UTC)


class LiveCentralRecord:
    """`seen server --workers N` on `url` (SQLite file or PostgreSQL), ready to enrol devices."""

    def __init__(
        self, url: str, load: SyntheticCaseload, role: str, *, folder: Path, workers: int = 1
    ) -> None:
        from sync.server.db import Database, migrate

        self.load = load
        self.db = Database(url)
        migrate(self.db)
        prepare(self.db, load, role, _now())
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        more = ["--workers", str(workers)] if workers > 1 else []
        command = seen_command(
            "server", "--db", url, "--data-dir", str(folder / "server"), "--host", HOST,
            "--port", str(self.port), *more,
        )  # fmt: skip
        self.server = Background(
            "central record", command, log_path=folder / "server.log",
            ready_url=f"{self.url}/healthz",
        )  # fmt: skip
        self.server.start().wait_ready()
        self._clients: list[httpx.Client] = []

    def code(self) -> str:
        from sync.server import services as sv

        code, _ = sv.issue_enrolment_code(
            db=self.db, practitioner_id=self.load.practitioner_id, now=_now(),
            ttl=timedelta(hours=1),
        )  # fmt: skip
        return code

    def connect(self, url: str, credential: str | None) -> SyncClient:
        http = httpx.Client(base_url=url, timeout=600)  # a bound, far above any figure
        self._clients.append(http)
        return SyncClient(http, credential=credential, timeout=None, sleep=lambda _s: None)

    def client(self) -> SyncClient:
        """An enrolled bare client (no store), to set things up with."""
        client = self.connect(self.url, None)
        client.enrol(self.code(), device_id=uuid.uuid4())
        return client

    def device(self, folder: Path) -> Session:
        """A device of this practitioner: a real encrypted store in `folder`, enrolled."""
        session = Session(
            data_dir=folder, clock=_now, connect=self.connect, kdf_params=DEVICE_KDF,
            idle_timeout=timedelta(hours=12),  # recording 50,000 visits takes minutes: no lock
        )  # fmt: skip
        session.enrol(server_url=self.url, code=self.code(), passphrase=PASSPHRASE)
        return session

    def count(self, table: Any) -> int:
        import sqlalchemy as sa

        from sync.server.tables import table_of

        with self.db.read() as s:
            query = sa.select(sa.func.count()).select_from(table_of(table))
            return int(s.execute(query).scalar_one())

    def close(self) -> None:
        for http in self._clients:
            http.close()
        self.server.stop()
        self.db.dispose()
