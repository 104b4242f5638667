"""Sync benchmarks: server ingest, initial pull of a health visitor's caseload, empty pull.

Each runs the real central record in-process (create_app + SyncClient over fastapi's TestClient:
JSON, gzip, validation, the database commit, all included; no sockets). SQLite is a file in a temp
dir; PostgreSQL is a fresh database on the server named by SEEN_BENCH_PG_URL or SEEN_TEST_PG_URL
(skipped, with the reason in the figure's name, when neither is reachable).

Hook: `push 1,000 visits end to end` (device store -> server -> receipts stored on the device)
is reported as not measured until the device-side sync service exists; wire it in
`_end_to_end_push` below.
"""

from __future__ import annotations

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

from models.canonical import content_hash
from models.enums import PractitionerRole
from models.lifecycle import submit
from models.receipt import OutboxItem, RecordKind
from models.synthetic import SyntheticCaseload, generate_caseload
from sync.client import SyncClient

__all__ = ["run"]

Report = Callable[..., None]
log = logging.getLogger(__name__)
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def run(report: Report, *, quick: bool) -> None:
    for name, url in _databases():
        if url is None or url.startswith("skip:"):
            why = url[5:] if url else "unavailable"
            report(
                f"ingest {name} (batches of 100): skipped, {why}",
                float("nan"),
                "visits/s",
                ">= 2,000/s",
            )
            continue
        with _database(url) as ready:
            _ingest(report, ready, name, quick=quick)
    with _database("sqlite") as ready:
        _pull(report, ready, quick=quick)
    _end_to_end_push(report, quick=quick)


# --- Databases -----------------------------------------------------------------------------------
def _databases() -> Iterator[tuple[str, str | None]]:
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
    """A central record with one practitioner holding `load`, and an enrolled device."""

    def __init__(self, url: str, load: SyntheticCaseload, role: str) -> None:
        from sync.server import Settings, create_app
        from sync.server import services as sv

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*httpx2")
            from fastapi.testclient import TestClient

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
        sv.load_caseload(
            db=db,
            org_id=load.organisation_id,
            households=load.households,
            people=load.people,
            children=load.children,
            restrictions=load.restrictions,
            concerns=load.concerns,
            now=NOW,
        )
        code, _ = sv.issue_enrolment_code(
            db=db, practitioner_id=load.practitioner_id, now=NOW, ttl=timedelta(hours=1)
        )
        self.http = TestClient(self.app)
        self.client = SyncClient(self.http, credential=None, timeout=None, sleep=lambda _s: None)
        self.client.enrol(code, device_id=uuid.uuid4())

    def close(self) -> None:
        self.http.close()
        self.app.state.db.dispose()


def _items(load: SyntheticCaseload) -> list[OutboxItem]:
    items = []
    for visit in load.visits:
        done = submit(visit, at=NOW)
        items.append(
            OutboxItem(
                record_id=done.visit_id,
                kind=RecordKind.VISIT,
                revision=1,
                content_hash=content_hash(done),
                body=done.model_dump(mode="json"),
            )
        )
    return items


# --- Figures -------------------------------------------------------------------------------------
def _ingest(report: Report, url: str, name: str, *, quick: bool) -> None:
    children = 100 if quick else 300
    load = generate_caseload(
        seed=11, children=children, households=children // 2, visits_per_child=10
    )
    items = _items(load)
    central = _CentralRecord(url, load, "SOCIAL_WORKER")
    try:
        started = time.perf_counter()
        for start in range(0, len(items), 100):
            answer = central.client.push(items[start : start + 100])
            assert all(r.status.acknowledged for r in answer.receipts)
        elapsed = time.perf_counter() - started
    finally:
        central.close()
    report(
        f"ingest {name} ({len(items):,} visits, batches of 100)",
        len(items) / elapsed,
        "visits/s",
        ">= 2,000/s",
    )


def _pull(report: Report, url: str, *, quick: bool) -> None:
    load = generate_caseload(
        seed=12,
        children=800,
        households=400,
        visits_per_child=2,
        practitioner_role=PractitionerRole.HEALTH_VISITOR,
    )
    central = _CentralRecord(url, load, "HEALTH_VISITOR")
    try:
        for start, items in _chunks(_items(load), 100):
            del start
            central.client.push(items)
        started = time.perf_counter()
        records = 0
        cursor = None
        for page in central.client.iter_changes(None, limit=1000):
            records += len(page.changes)
            cursor = page.cursor
        elapsed = time.perf_counter() - started
        report(f"initial pull, 800 children ({records:,} records)", elapsed, "s", "<= 5 s")
        samples = []
        for _ in range(20 if quick else 100):
            t = time.perf_counter()
            central.client.changes(cursor)
            samples.append((time.perf_counter() - t) * 1000)
        report("empty incremental pull (median)", statistics.median(samples), "ms", "<= 20 ms")
    finally:
        central.close()


def _chunks(items: list[Any], size: int) -> Iterator[tuple[int, list[Any]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def _end_to_end_push(report: Report, *, quick: bool) -> None:
    """Hook: push 1,000 visits from the device store through SyncClient to the server and store
    the receipts on the device, on SQLite and PostgreSQL (target <= 1.5 s). Needs the device-side
    sync service (mobile/services/sync.py) that glues the encrypted store's outbox to SyncClient."""
    del quick
    for name in ("SQLite", "PostgreSQL"):
        report(
            f"push 1,000 visits end to end ({name}): not measured, device sync service not built",
            float("nan"),
            "s",
            "<= 1.5 s",
        )
