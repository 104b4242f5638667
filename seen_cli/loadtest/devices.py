"""Simulated devices: each a real Session over its own encrypted store (a small KDF: the load is
in syncing, not in unlocking), the real visit and sync services, and an HTTP transport that keeps
each push (for replays) and can close the device's store part-way through a sync (killed, then
opened again from disk).

Records are what the practitioner would make: synthetic visits (dated before the device's clock
and the true one, so a skewed clock is never refused for the future), some amended, and concerns
received outside a visit. Each is (kind, record id, revision) as the central record counts it."""

from __future__ import annotations

import random
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx

from mobile.services.errors import AppError
from mobile.services.session import Session
from mobile.services.shapes import SyncProgress
from mobile.store import KdfParams, StoreError
from models.amendment import FieldChange
from models.receipt import SyncState
from models.visit import Visit
from sync.client import SyncClient
from synthetic import SyntheticCaseload, synthetic_visit

__all__ = [
    "FAST_KDF",
    "KILLED",
    "PASSPHRASE",
    "LoadDevice",
    "Record",
    "record_visits",
    "settled",
]

FAST_KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)
PASSPHRASE = "lantern orbit cobble meadow"
Record = tuple[str, UUID, int]  # (kind, record id, revision)
KILLED = "device_killed"


def record_visits(
    session: Session, load: SyntheticCaseload, n: int, *, seed: int, now: datetime
) -> list[UUID]:
    """Save and submit `n` synthetic visits to `load`'s children on this device (each one is a
    draft, then a submitted record in the outbox), moved in time to end before `now`. The device
    must hold its caseload (sync once first)."""
    services = session.services()
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        visit = synthetic_visit(rng, load, load.children[i % len(load.children)])
        assert visit.started_at is not None and visit.ended_at is not None
        visit = _moved(visit, now - visit.ended_at - timedelta(minutes=i + 1))
        services.visits.save_draft(visit)
        services.visits.submit(visit.visit_id)
        ids.append(visit.visit_id)
    return ids


def _moved(visit: Visit, shift: timedelta) -> Visit:
    """The visit `shift` later, its dates too (a baby's day to be seen awake, the next visit due):
    a date left behind would fall before the visit, and the visit be refused."""
    assert visit.started_at is not None and visit.ended_at is not None
    days = (visit.started_at + shift).date() - visit.started_at.date()
    children = [
        o.model_copy(update={"see_awake_by": o.see_awake_by + days}) if o.see_awake_by else o
        for o in visit.children
    ]
    due = visit.next_visit_due + days if visit.next_visit_due else None
    return visit.model_copy(
        update={
            "created_on_device_at": visit.created_on_device_at + shift,
            "started_at": visit.started_at + shift,
            "ended_at": visit.ended_at + shift,
            "children": children,
            "next_visit_due": due,
        }
    )


def settled(session: Session) -> bool:
    """Every record on the device acknowledged, nothing pending."""
    sync = session.services().sync
    records = sync.records()
    return sync.progress().pending == 0 and all(
        r.status == SyncState.ACKNOWLEDGED and r.receipt_id is not None for r in records
    )


@dataclass
class LoadDevice:
    """One simulated device. Not shared between threads: its own thread drives it."""

    data_dir: Path
    url: str
    load: SyntheticCaseload
    seed: int
    skew: timedelta = timedelta(0)  # the device's clock is this far from the true one
    records: list[Record] = field(default_factory=list)
    pushes: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    kill_after: float | None = None  # seconds into the next sync at which the store is closed
    session: Session | None = None
    killed: int = 0  # times the store was closed mid-sync
    sigkill_after: float | None = None  # the next sync in a process SIGKILLed this far in
    sigkilled: int = 0
    _clients: list[httpx.Client] = field(default_factory=list)
    _visits: int = 0

    def clock(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def connect(self, url: str, credential: str | None) -> SyncClient:
        http = httpx.Client(base_url=url, transport=_KeepPushes(self))
        self._clients.append(http)
        return SyncClient(
            http,
            credential=credential,
            sleep=lambda delay: time.sleep(min(delay, 0.2)),  # retries quick: the run is bounded
            max_attempts=3,
            timeout=httpx.Timeout(20.0, connect=2.0),
        )

    def _new_session(self) -> Session:
        return Session(
            data_dir=self.data_dir, clock=self.clock, connect=self.connect, kdf_params=FAST_KDF
        )

    def enrol(self, code: str) -> None:
        self.session = self._new_session()
        self.session.enrol(server_url=self.url, code=code, passphrase=PASSPHRASE)

    def reopen(self) -> None:
        """The device after it was killed: its store opened again from disk and unlocked."""
        if self.session is not None:
            self.session.close()
        self.close_clients()
        self.session = self._new_session()
        self.session.unlock(PASSPHRASE)

    def killed_in_a_sync(self, delay: float) -> bool:
        """The device process SIGKILLed `delay` seconds into a sync (crash.py), then opened
        again from disk. Whether the kill landed before the sync ended."""
        from seen_cli.loadtest.crash import sync_and_die

        self.close()  # this process lets go of the store: the dying one has it
        code = sync_and_die(self.data_dir, skew=self.skew, delay=delay)
        self.sigkilled += code == -signal.SIGKILL
        self.reopen()
        return code == -signal.SIGKILL

    def record(self, n: int) -> None:
        """Record `n` visits; about one in four amended afterwards, one concern per five visits."""
        assert self.session is not None
        rng = random.Random(self.seed * 7919 + self._visits)
        services = self.session.services()
        for _ in range(n):
            latest = min(datetime.now(UTC), self.clock()) - timedelta(minutes=self._visits)
            [visit_id] = record_visits(
                self.session, self.load, 1, seed=rng.getrandbits(32), now=latest
            )
            self._visits += 1
            self.records.append(("visit", visit_id, 1))  # at once: the store has it now
            if rng.random() < 0.25:
                visit = services.visits.get(visit_id)
                services.visits.amend(
                    visit_id=visit_id,
                    changes=[
                        FieldChange(
                            field_path="announced",
                            old_value=visit.announced,
                            new_value=not visit.announced,
                        )
                    ],
                    reason="Corrected after the visit (synthetic).",
                )
                self.records.append(("amendment", visit_id, 2))
            if self._visits % 5 == 0 and self.load.concerns:
                concern = self.load.concerns.pop()
                services.visits.record_concern(concern)
                self.records.append(("concern", concern.concern_id, 1))

    def sync(self) -> tuple[float, str, int]:
        """One sync (push, then pull), timed: (seconds, last error, records pending). If
        `kill_after` is set, the store is closed that many seconds in, wherever the sync has got
        to; the device is then opened again from disk, and the error is "device_killed"."""
        assert self.session is not None
        if self.sigkill_after is not None:
            started, delay, self.sigkill_after = time.perf_counter(), self.sigkill_after, None
            landed = self.killed_in_a_sync(delay)
            return time.perf_counter() - started, KILLED if landed else "", -1
        session, timer = self.session, None
        if self.kill_after is not None:
            timer = threading.Timer(self.kill_after, session.close)
            self.kill_after = None
            timer.start()
        started = time.perf_counter()
        try:
            progress: SyncProgress | None = session.services().sync.sync_now()
        except (StoreError, AppError):
            if timer is None:
                raise
            progress = None  # what a killed app would have shown: nothing
        elapsed = time.perf_counter() - started
        if timer is not None:
            timer.cancel()
            timer.join()
            if not session.is_unlocked:  # it was killed: start again from what is on disk
                self.killed += 1
                self.reopen()
                return elapsed, KILLED, -1
        assert progress is not None
        return elapsed, progress.last_error, progress.pending

    def acknowledged(self) -> set[UUID]:
        """Records whose every revision here is acknowledged."""
        assert self.session is not None
        states = self.session.services().sync.records()
        open_ = {s.record_id for s in states if s.status != SyncState.ACKNOWLEDGED}
        return {s.record_id for s in states} - open_

    def close_clients(self) -> None:
        for http in self._clients:
            http.close()
        self._clients.clear()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
        self.close_clients()


class _KeepPushes(httpx.BaseTransport):
    def __init__(self, device: LoadDevice) -> None:
        self.device = device
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/sync/push":
            request.read()
            self.device.pushes.append((dict(request.headers), request.content))
            del self.device.pushes[:-3]  # the last few are enough to replay
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
