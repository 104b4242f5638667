"""Crash safety: SIGKILL at random moments during saves and submits loses no submitted record."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from mobile.store import DeviceStore, SyncState
from models.canonical import content_hash
from models.enums import RecordStatus

from .conftest import PASSPHRASE, FakeClock

KILLS = 24
WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _promises(side_file: Path) -> list[tuple[str, str, int, str]]:
    """Complete lines only: the kill may have torn the last one."""
    if not side_file.exists():
        return []
    text = side_file.read_text()
    lines = text.split("\n")[:-1]  # after the last newline is an incomplete line, if anything
    return [(w[0], w[1], int(w[2]), w[3]) for w in (line.split() for line in lines)]


def _check(data_dir: Path, side_file: Path, clock: FakeClock) -> int:
    with closing(sqlite3.connect(data_dir / "records.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = DeviceStore.open(data_dir, clock=clock)  # the store opens after every kill
    try:
        store.unlock(PASSPHRASE)
        states = {(s.record_id, s.revision): s.state for s in store.sync_state()}
        promises = _promises(side_file)
        acked = {vid for what, vid, _, _ in promises if what == "ack"}
        for what, vid, revision, digest in promises:
            key = next(k for k in states if str(k[0]) == vid and k[1] == revision)
            if what in ("submit", "amend"):
                visit = store.get_visit_revision(key[0], revision)
                if what == "submit" and visit.status == RecordStatus.SYNCED:
                    visit = visit.model_copy(update={"status": RecordStatus.SUBMITTED})
                assert content_hash(visit) == digest, f"{what} {vid} changed"
            expected = {SyncState.ACKNOWLEDGED} if vid in acked and revision == 1 else {
                SyncState.PENDING, SyncState.ACKNOWLEDGED,
            }  # fmt: skip
            assert states[key] in expected
        # Every submitted revision on the device is either queued or acknowledged: no half state.
        for visit in store.list_visits():
            for revision in range(1, visit.revision + 1):
                assert (visit.visit_id, revision) in states
        drafts = store.list_drafts()
        assert drafts.problems == []
        return len(promises)
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_during_saves_and_submits_loses_no_submitted_visit(
    tmp_path: Path, clock: FakeClock
) -> None:
    data_dir, side_file = tmp_path / "device", tmp_path / "promises.txt"
    rng = random.Random(20260302)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    promised = 0
    for run in range(KILLS):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(data_dir), str(side_file), str(run)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.005, 0.12))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        assert worker.returncode == -signal.SIGKILL, "the worker stopped before it was killed"
        promised = _check(data_dir, side_file, clock)
    assert promised > 3 * KILLS  # the kills landed in the middle of real work
