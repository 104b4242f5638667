"""Crash safety: SIGKILL in the middle of saves and submits loses no submitted record.

The kill points are chosen by operation count (seeded), not by wall time: the worker kills itself at
store call number N, inside that call's transaction or right after its COMMIT (crash_worker.py), so
the test is exactly as strict on a busy machine as on an idle one."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from mobile.store import DeviceStore, SyncState
from models.canonical import content_hash
from models.enums import RecordStatus
from tests.store.device import device_of

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
        states = {(s.record_id, s.revision): s.state for s in device_of(store).sync_state()}
        promises = _promises(side_file)
        acked = {vid for what, vid, _, _ in promises if what == "ack"}
        for what, vid, revision, digest in promises:
            key = next(k for k in states if str(k[0]) == vid and k[1] == revision)
            if what in ("submit", "amend"):
                visit = device_of(store).get_visit_revision(key[0], revision)
                if what == "submit" and visit.status == RecordStatus.SYNCED:
                    visit = visit.model_copy(update={"status": RecordStatus.SUBMITTED})
                assert content_hash(visit) == digest, f"{what} {vid} changed"
            expected = {SyncState.ACKNOWLEDGED} if vid in acked and revision == 1 else {
                SyncState.PENDING, SyncState.ACKNOWLEDGED,
            }  # fmt: skip
            assert states[key] in expected
        # Every submitted revision on the device is either queued or acknowledged: no half state.
        for visit in device_of(store).list_visits():
            for revision in range(1, visit.revision + 1):
                assert (visit.visit_id, revision) in states
        drafts = device_of(store).list_drafts()
        assert drafts.problems == []
        return len(promises)
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_during_saves_and_submits_loses_no_submitted_visit_however_slow_the_machine(
    tmp_path: Path, clock: FakeClock
) -> None:
    data_dir, side_file, marker = tmp_path / "device", tmp_path / "promises.txt", tmp_path / "kill"
    rng = random.Random(20260302)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    promised = 0
    landed: Counter[str] = Counter()
    for run in range(KILLS):
        kill_at = rng.randint(4, 40)  # the store call that never returns to its caller
        inside = rng.choice([0, rng.randint(1, 40)])  # 0: right after its COMMIT
        worker = subprocess.run(
            [sys.executable, str(WORKER), str(data_dir), str(side_file), str(run),
             str(kill_at), str(inside), str(marker)],
            cwd=ROOT, env=env, capture_output=True, check=False,
        )  # fmt: skip
        assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()[-2000:]
        at, where = marker.read_text().split()
        assert int(at) == kill_at  # it died at the call it was told to, not before or after
        landed[where] += 1
        promised = _check(data_dir, side_file, clock)
    # The same every time, on any machine: the kills hit both sides of a commit, mid-work.
    assert landed["inside-transaction"] >= KILLS // 4 and landed["after-commit"] >= KILLS // 4
    assert promised > 3 * KILLS
