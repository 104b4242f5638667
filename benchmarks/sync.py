"""Sync benchmarks: server ingest, push end to end from a device store, initial and empty pulls.

Everything runs the real central record in-process over fastapi's TestClient (real HTTP requests
and responses, no sockets; each figure says so), entered the way `seen server` starts it (the app's
lifespan runs). SQLite is a file in a temp dir; PostgreSQL is a fresh database on the server named
by SEEN_BENCH_PG_URL or SEEN_TEST_PG_URL (the figure is reported as skipped, with the reason, when
neither is set or reachable). Data: synthetic only.

- ingest (batches of 100): visits/s the central record stores, from batches the device has
  already encoded and gzipped (server work only: gunzip, decoding, validation, the recording
  rules, dedupe, the change log, audit, the commit, the receipts).
- push 1,000 visits end to end: a real device store (a real file; a small KDF, since unlocking is
  not what is measured) sends its outbox through SyncService and SyncClient; the central record
  stores it; the device stores every receipt. From the first outbox read to the last receipt.
- initial pull, 800 children: a health visitor's caseload (~8,500 records) downloaded into a real
  device store by SyncService, apply_caseload_changes included.
- empty incremental pull (median): one GET with an up-to-date cursor, through SyncClient.
"""

from __future__ import annotations

import gc
import gzip
import logging
import os
import statistics
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mobile.services.session import Session
from mobile.store import KdfParams
from models.enums import PractitionerRole
from models.lifecycle import submit
from models.receipt import OutboxItem, RecordKind
from sync.client import SyncClient
from sync.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION, PushItem, PushRequest
from synthetic import SyntheticCaseload, generate_caseload
from synthetic.load import load_synthetic_caseload

__all__ = ["run"]

Report = Callable[..., None]
log = logging.getLogger(__name__)
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
SERVER = "http://testserver"
DEVICE_KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)
PASSPHRASE = "benchmark lantern orbit cobble"  # noqa: S105 - a throwaway store
_QUIET = ("httpx", "sync.server", "mobile")  # their INFO lines would interleave with the table


def run(report: Report, *, quick: bool) -> None:
    levels = {name: logging.getLogger(name).level for name in _QUIET}
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        _run(report, quick=quick)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _run(report: Report, *, quick: bool) -> None:
    databases = list(_databases())
    for name, url in databases:
        if url.startswith("skip:"):
            report(f"ingest {name}: skipped, {url[5:]}", float("nan"), "visits/s", ">= 2,000/s")
            continue
        _ingest(report, url, name, quick=quick)
    for name, url in databases:
        if url.startswith("skip:"):
            report(
                f"push 1,000 visits end to end {name}: skipped, {url[5:]}",
                float("nan"),
                "s",
                "<= 1.5 s",
            )
            continue
        with _database(url) as ready:
            _end_to_end_push(report, ready, name)
    with _database("sqlite") as ready:
        _pull(report, ready, quick=quick)


# --- Databases -----------------------------------------------------------------------------------
def _databases() -> Iterator[tuple[str, str]]:
    yield "SQLite", "sqlite"
    base = os.environ.get("SEEN_BENCH_PG_URL") or os.environ.get("SEEN_TEST_PG_URL")
    if not base:
        yield "PostgreSQL", "skip:SEEN_BENCH_PG_URL / SEEN_TEST_PG_URL not set"
        return
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(base, poolclass=sa.NullPool)
        with engine.connect() as c:
            c.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        yield "PostgreSQL", f"skip:PostgreSQL unreachable ({type(exc).__name__})"
        return
    yield "PostgreSQL", base


@contextmanager
def _database(url: str) -> Iterator[str]:
    """A fresh, empty database URL: a temp SQLite file, or a new PostgreSQL database."""
    if url == "sqlite":
        with tempfile.TemporaryDirectory(prefix="seen-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'central-record.sqlite3'}"
        return
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    name = f"seen_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class _CentralRecord:
    """A started central record with one practitioner holding `load`, and an enrolled SyncClient
    device (`client`) to set things up with."""

    def __init__(self, url: str, load: SyntheticCaseload, role: str) -> None:
        from sync.server import Settings, create_app
        from sync.server import services as sv

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*httpx2")
            from fastapi.testclient import TestClient

        self.sv = sv
        self.load = load
        self.app = create_app(Settings(database_url=url, clock=lambda: NOW))
        db = self.app.state.db
        sv.create_organisation(
            db=db, org_id=load.organisation_id, name="Bench (synthetic)", now=NOW
        )
        team = sv.create_team(db=db, org_id=load.organisation_id, name="Bench team", now=NOW)
        sv.create_practitioner(
            db=db,
            org_id=load.organisation_id,
            display_name="Bench practitioner (synthetic)",
            role=sv.StaffRole(role),
            team_id=team,
            practitioner_id=load.practitioner_id,
            now=NOW,
        )
        load_synthetic_caseload(db=db, load=load, now=NOW)
        self.http = TestClient(self.app)
        self.http.__enter__()  # the lifespan: started as `seen server` starts it
        self.client = self.connect(SERVER, None)
        self.client.enrol(self.code(), device_id=uuid.uuid4())

    def code(self) -> str:
        code, _ = self.sv.issue_enrolment_code(
            db=self.app.state.db,
            practitioner_id=self.load.practitioner_id,
            now=NOW,
            ttl=timedelta(hours=1),
        )
        return code

    def connect(self, url: str, credential: str | None) -> SyncClient:
        assert url == SERVER
        return SyncClient(self.http, credential=credential, timeout=None, sleep=lambda _s: None)

    def count(self, table: Any) -> int:
        import sqlalchemy as sa

        from sync.server.tables import table_of

        with self.app.state.db.read() as s:
            query = sa.select(sa.func.count()).select_from(table_of(table))
            return int(s.execute(query).scalar_one())

    def device(self, folder: Path) -> Session:
        """A device of this practitioner: a real encrypted store in `folder`, enrolled."""
        session = Session(
            data_dir=folder, clock=lambda: NOW, connect=self.connect, kdf_params=DEVICE_KDF
        )
        session.enrol(server_url=SERVER, code=self.code(), passphrase=PASSPHRASE)
        return session

    def close(self) -> None:
        self.http.__exit__(None, None, None)
        self.app.state.db.dispose()


def _items(load: SyntheticCaseload) -> list[OutboxItem]:
    return [
        OutboxItem.of(submit(v, at=NOW), kind=RecordKind.VISIT, record_id=v.visit_id)
        for v in load.visits
    ]


def _settle() -> None:
    """Before a clock starts: the setup's garbage collected, so the figure does not pay for it."""
    gc.collect()


# --- Figures -------------------------------------------------------------------------------------
def _batch_bodies(wire: list[PushItem], at_most: int) -> list[bytes]:
    """Request bodies of at most `at_most` items and MAX_BODY_BYTES each, halved as the sync
    client halves them (sync/client.py _batches)."""
    out, start = [], 0
    while start < len(wire):
        batch = wire[start : start + at_most]
        body = PushRequest(items=batch).model_dump_json().encode()
        while len(body) > MAX_BODY_BYTES and len(batch) > 1:
            batch = batch[: len(batch) // 2]
            body = PushRequest(items=batch).model_dump_json().encode()
        out.append(body)
        start += len(batch)
    return out


def _ingest(report: Report, url: str, name: str, *, quick: bool) -> None:
    """The rate over whole runs into fresh databases; the median of the runs is reported (a
    shared machine's speed wanders between runs more than the code's does)."""
    children = 100 if quick else 300
    load = generate_caseload(
        seed=11, children=children, households=children // 2, visits_per_child=10
    )
    # Server work only: the device's encoding (as SyncClient sends it) and gzip are done before
    # the clock starts.
    wire = [PushItem.of(item) for item in _items(load)]
    count = len(wire)
    bodies = [gzip.compress(body) for body in _batch_bodies(wire, 100)]
    del wire
    runs = 3
    rates = []
    for _ in range(runs):
        with _database(url) as ready:
            central = _CentralRecord(ready, load, "SOCIAL_WORKER")
            try:
                headers = {
                    "Authorization": f"Bearer {central.client.credential}",
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                    "Accept-Encoding": "gzip",
                    PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                }
                _settle()
                started = time.perf_counter()
                for body in bodies:
                    answer = central.http.post("/sync/push", content=body, headers=headers)
                    assert answer.status_code == 200
                    assert all(r["status"] == "accepted" for r in answer.json()["receipts"])
                rates.append(count / (time.perf_counter() - started))
            finally:
                central.close()
    report(
        f"ingest {name}, over TestClient ({count:,} visits, batches of up to 100 and 1 MiB, "
        f"median of {runs} runs: {min(rates):,.0f}-{max(rates):,.0f})",
        statistics.median(rates),
        "visits/s",
        ">= 2,000/s",
    )


def _end_to_end_push(report: Report, url: str, name: str) -> None:
    from models.receipt import SyncState
    from sync.server.tables import VisitRevisionRow

    load = generate_caseload(seed=13, children=100, households=50, visits_per_child=10)
    central = _CentralRecord(url, load, "SOCIAL_WORKER")
    try:
        with tempfile.TemporaryDirectory(prefix="seen-bench-device-") as folder:
            device = central.device(Path(folder))
            try:
                services = device.services()
                services.sync.sync_now()  # the caseload, so visits can be recorded
                for visit in load.visits:  # recorded and submitted on the device: the outbox
                    services.visits.save_draft(visit)
                    services.visits.submit(visit.visit_id)
                waiting = services.sync.progress().pending
                _settle()
                started = time.perf_counter()
                progress = services.sync.push_now()
                elapsed = time.perf_counter() - started
                assert progress.last_error == "", progress.last_error
                assert (waiting, progress.pending, progress.acknowledged) == (1000, 0, 1000)
                records = services.sync.records()
                assert all(r.status == SyncState.ACKNOWLEDGED for r in records)
                assert central.count(VisitRevisionRow) == 1000
            finally:
                device.close()
    finally:
        central.close()
    report(
        f"push 1,000 visits end to end {name}, over TestClient",
        elapsed,
        "s",
        "<= 1.5 s",
    )


def _pull(report: Report, url: str, *, quick: bool) -> None:
    load = generate_caseload(
        seed=12,
        children=800,
        households=400,
        visits_per_child=5,  # their "seen" and flag rows bring the caseload to ~8,500 records
        practitioner_role=PractitionerRole.HEALTH_VISITOR,
    )
    central = _CentralRecord(url, load, "HEALTH_VISITOR")
    try:
        items = _items(load)
        for start in range(0, len(items), 100):  # visits from another device: "seen" rows
            central.client.push(items[start : start + 100])
        del items
        records, cursor = 0, None
        for page in central.client.iter_changes(None, limit=1000):
            records, cursor = records + len(page.changes), page.cursor
        with tempfile.TemporaryDirectory(prefix="seen-bench-device-") as folder:
            device = central.device(Path(folder))
            try:
                services = device.services()
                _settle()
                started = time.perf_counter()
                progress = services.sync.sync_now()  # nothing to send: the whole caseload comes
                elapsed = time.perf_counter() - started
                assert progress.last_error == "", progress.last_error
                assert len(services.caseload.rows()) == 800
                report(
                    f"initial pull, 800 children ({records:,} records) into a device store",
                    elapsed,
                    "s",
                    "<= 5 s",
                )
                samples = []
                for _ in range(20 if quick else 100):
                    t = time.perf_counter()
                    empty = central.client.changes(cursor)
                    samples.append((time.perf_counter() - t) * 1000)
                    assert not empty.changes
            finally:
                device.close()
        report(
            "empty incremental pull, over TestClient (median)",
            statistics.median(samples),
            "ms",
            "<= 20 ms",
        )
    finally:
        central.close()
