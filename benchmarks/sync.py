"""Sync benchmarks, over real sockets: the central record runs as `seen server` (uvicorn, its own
process) on 127.0.0.1 and devices reach it with httpx, as phones do (benchmarks/live.py). With
`--peer`, the peer (PouchDB into express-pouchdb, benchmarks/peer.py) runs the same push in the
same invocation, runs alternating, and each figure is reported beside the peer's, with the ratio.
SQLite is a file in a temp dir; PostgreSQL is a fresh database on the server named by
SEEN_BENCH_PG_URL or SEEN_TEST_PG_URL (reported as skipped, with the reason, when neither is set
or reachable). Data: synthetic only. Times are medians of alternating runs where a run is short.

- ingest (batches of 100): visits/s the central record stores, from request bodies the device
  has already encoded and gzipped, sent one after another on one connection (server work and
  the wire: gunzip, decoding, validation, the recording rules, dedupe, the change log, audit,
  the queued checks, the commit, the receipts). On PostgreSQL, also two server processes
  (`seen server --workers 2`) with four devices sending at once, and the ratio to one.
- push N visits end to end (1,000 on SQLite and PostgreSQL; 5,000 and 10,000 on SQLite): a real
  device store (a real file; a small KDF, since unlocking is not measured) sends its outbox
  through SyncService and SyncClient; the central record stores it; the device stores every
  receipt. From the first outbox read to the last receipt.
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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.live import LiveCentralRecord, prepare
from benchmarks.peer import Peer, peer_missing
from models.enums import PractitionerRole
from models.lifecycle import submit
from models.receipt import OutboxItem, RecordKind
from sync.client import SyncClient
from sync.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION, PushItem, PushRequest
from synthetic import SyntheticCaseload, generate_caseload

__all__ = ["Report", "push_once", "quiet", "run"]

Report = Callable[..., None]
log = logging.getLogger(__name__)
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
SERVER = "http://testserver"
_QUIET = ("httpx", "sync.server", "mobile")  # their INFO lines would interleave with the table


def run(report: Report, *, quick: bool, peer: bool = False) -> None:
    with quiet():
        _run(report, quick=quick, peer=peer)


@contextmanager
def quiet() -> Iterator[None]:
    """The devices' and the server's INFO lines kept out of the table."""
    levels = {name: logging.getLogger(name).level for name in _QUIET}
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _run(report: Report, *, quick: bool, peer: bool) -> None:
    databases = list(_databases())
    for name, url in databases:
        if url.startswith("skip:"):
            report(f"ingest {name}: skipped, {url[5:]}", float("nan"), "visits/s", ">= 2,500/s")
            continue
        _ingest(report, url, name, quick=quick)
    the_peer = None
    if peer:
        missing = peer_missing()
        if missing:
            report(f"the peer: skipped, {missing}", float("nan"), "s")
        else:
            the_peer = Peer()
    try:
        for name, url in databases:
            if url.startswith("skip:"):
                report(f"push end to end {name}: skipped, {url[5:]}", float("nan"), "s")
                continue
            _push_figures(report, url, name, quick=quick, peer=the_peer)
    finally:
        if the_peer is not None:
            the_peer.close()
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
    """The central record in-process (over TestClient, its lifespan run as `seen server` runs it),
    with one practitioner holding `load` and an enrolled SyncClient (`client`): for the figures
    that are server work alone (benchmarks/oversight.py), at the fixed moment NOW."""

    def __init__(self, url: str, load: SyntheticCaseload, role: str) -> None:
        from sync.server import Settings, create_app
        from sync.server import services as sv

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*httpx2")
            from fastapi.testclient import TestClient

        self.app = create_app(Settings(database_url=url, clock=lambda: NOW))
        prepare(self.app.state.db, load, role, NOW)
        self.http = TestClient(self.app)
        self.http.__enter__()  # the lifespan: started as `seen server` starts it
        code, _ = sv.issue_enrolment_code(
            db=self.app.state.db, practitioner_id=load.practitioner_id, now=NOW,
            ttl=timedelta(hours=1),
        )  # fmt: skip
        self.client = SyncClient(self.http, credential=None, timeout=None, sleep=lambda _s: None)
        self.client.enrol(code, device_id=uuid.uuid4())

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
    shared machine's speed wanders between runs more than the code's does). On PostgreSQL, also
    `seen server --workers 2` with four devices sending at once, beside one process."""
    children = 100 if quick else 300
    load = generate_caseload(
        seed=11, children=children, households=children // 2, visits_per_child=10
    )
    # The device's encoding (as SyncClient sends it) and gzip are done before the clock starts.
    wire = [PushItem.of(item) for item in _items(load)]
    count = len(wire)
    bodies = [gzip.compress(body) for body in _batch_bodies(wire, 100)]
    del wire
    runs = 3
    rates = [_ingest_once(url, load, bodies, count, workers=1, devices=1) for _ in range(runs)]
    one = statistics.median(rates)
    report(
        f"ingest {name}, over sockets ({count:,} visits, batches of up to 100 and 1 MiB, "
        f"median of {runs} runs: {min(rates):,.0f}-{max(rates):,.0f})",
        one,
        "visits/s",
        ">= 3,000/s" if name == "SQLite" else ">= 2,500/s",
    )
    if name != "PostgreSQL" or quick:
        return
    two = [_ingest_once(url, load, bodies, count, workers=2, devices=4) for _ in range(runs)]
    report(
        f"ingest {name}, two processes, four devices at once (median of {runs} runs: "
        f"{min(two):,.0f}-{max(two):,.0f})",
        statistics.median(two),
        "visits/s",
    )
    report("  two processes to one", statistics.median(two) / one, "x", ">= 1.6x")


def _ingest_once(
    url: str, load: SyntheticCaseload, bodies: list[bytes], count: int, *, workers: int,
    devices: int,
) -> float:  # fmt: skip
    """Visits/s for `bodies` sent into a fresh database: `devices` enrolled devices, each on its
    own connection, taking the batches in turn."""
    with _database(url) as ready, _live(ready, load, "SOCIAL_WORKER", workers) as central:
        https = []
        for _ in range(devices):
            headers = {
                "Authorization": f"Bearer {central.client().credential}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Accept-Encoding": "gzip",
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
            }
            http = httpx.Client(base_url=central.url, timeout=600, headers=headers)
            http.get("/healthz")  # the connection, before the clock starts
            https.append(http)
        try:

            def send(http: httpx.Client, mine: list[bytes]) -> None:
                for body in mine:
                    answer = http.post("/sync/push", content=body)
                    assert answer.status_code == 200, answer.text[:300]
                    assert all(r["status"] == "accepted" for r in answer.json()["receipts"])

            shares = [bodies[i::devices] for i in range(devices)]
            _settle()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=devices) as pool:
                for done in [pool.submit(send, h, m) for h, m in zip(https, shares, strict=True)]:
                    done.result()
            return count / (time.perf_counter() - started)
        finally:
            for http in https:
                http.close()


@contextmanager
def _live(
    url: str, load: SyntheticCaseload, role: str, workers: int = 1
) -> Iterator[LiveCentralRecord]:
    with tempfile.TemporaryDirectory(prefix="seen-bench-server-") as folder:
        central = LiveCentralRecord(url, load, role, folder=Path(folder), workers=workers)
        try:
            yield central
        finally:
            central.close()


def push_once(url: str, visits: int) -> float:
    """Seconds for a device to push `visits` recorded visits to a fresh central record."""
    from models.receipt import SyncState
    from sync.server.tables import VisitRevisionRow

    children = max(10, visits // 10)
    load = generate_caseload(
        seed=13, children=children, households=children // 2, visits_per_child=10
    )
    with (
        _database(url) as ready,
        _live(ready, load, "SOCIAL_WORKER") as central,
        tempfile.TemporaryDirectory(prefix="seen-bench-device-") as folder,
    ):
        device = central.device(Path(folder))
        try:
            services = device.services()
            services.sync.sync_now()  # the caseload, so visits can be recorded
            for visit in load.visits[:visits]:  # recorded and submitted here: the outbox
                services.visits.save_draft(visit)
                services.visits.submit(visit.visit_id)
            waiting = services.sync.progress().pending
            _settle()
            started = time.perf_counter()
            progress = services.sync.push_now()
            elapsed = time.perf_counter() - started
            assert progress.last_error == "", progress.last_error
            assert (waiting, progress.pending, progress.acknowledged) == (visits, 0, visits)
            assert all(r.status == SyncState.ACKNOWLEDGED for r in services.sync.records())
            assert central.count(VisitRevisionRow) == visits
        finally:
            device.close()
    return elapsed


def _push_figures(report: Report, url: str, name: str, *, quick: bool, peer: Any) -> None:
    sizes = [1000] if quick or name != "SQLite" else [1000, 5000, 10000]
    targets = {"SQLite": 1.0, "PostgreSQL": 1.3}
    for visits in sizes:
        runs = 3 if visits == 1000 and not quick else 1
        ours: list[float] = []
        theirs: list[float] = []
        for run in range(runs):  # alternating, so a slow spell of the machine hits both
            if peer is not None and run % 2 == 1:
                theirs.append(peer.push(visits))
            ours.append(push_once(url, visits))
            if peer is not None and run % 2 == 0:
                theirs.append(peer.push(visits))
        label = f"push {visits:,} visits end to end {name}, over sockets"
        spread = f"median of {runs}: {min(ours):.2f}-{max(ours):.2f}" if runs > 1 else "1 run"
        mine = statistics.median(ours)
        report(f"{label} ({spread})", mine, "s", "<= 1.5 s" if visits == 1000 else "")
        report(f"  per visit at {visits:,}", mine / visits * 1000, "ms/visit")
        if peer is None:
            continue
        other = statistics.median(theirs)
        report(f"  the peer, {visits:,} documents (PouchDB, in memory)", other, "s")
        target = f"<= {targets[name]:.1f}x" if visits == 1000 else ""
        report(f"  ratio to the peer, {visits:,} {name}", mine / other, "x", target)


def _pull(report: Report, url: str, *, quick: bool) -> None:
    load = generate_caseload(
        seed=12,
        children=800,
        households=400,
        visits_per_child=5,  # their "seen" and flag rows bring the caseload to ~8,500 records
        practitioner_role=PractitionerRole.HEALTH_VISITOR,
    )
    with _live(url, load, "HEALTH_VISITOR") as central:
        client = central.client()
        items = _items(load)
        for start in range(0, len(items), 100):  # visits from another device: "seen" rows
            client.push(items[start : start + 100])
        del items
        records, cursor = 0, None
        for page in client.iter_changes(None, limit=1000):
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
                    "<= 1.5 s",  # issue 14's (an earlier issue set 5 s)
                )
                samples = []
                for _ in range(20 if quick else 100):
                    t = time.perf_counter()
                    empty = client.changes(cursor)
                    samples.append((time.perf_counter() - t) * 1000)
                    assert not empty.changes
            finally:
                device.close()
        report(
            "empty incremental pull, over sockets (median)", statistics.median(samples), "ms",
            "<= 5 ms",  # issue 14's (an earlier issue set 20 ms)
        )  # fmt: skip
