"""Fault trials, seeded and bounded: a real device (Session over an encrypted store, the real sync
service) syncing through a TCP proxy with a real `seen server` on 127.0.0.1 (SQLite), driven by
`seen loadtest`'s own pieces. Each trial breaks one sync — the server SIGKILLed mid-batch, the
connection cut mid-request or mid-response during push or pull, the device killed mid-sync — and
ends in one final sync with nothing broken, after which every record the device made is on the
central record exactly once, and nothing else is."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from seen_cli.loadtest.devices import KILLED, LoadDevice
from seen_cli.loadtest.proxy import FaultProxy
from seen_cli.loadtest.report import error_kind, on_server
from seen_cli.loadtest.server import LiveServer
from seen_cli.loadtest.setup import enrolment_codes
from sync.server.db import Database, sqlite_url_for

pytestmark = pytest.mark.slow
SEEDS = (101, 202, 303)
PUSH, PULL = b"POST /sync/push", b"GET /sync/changes"


class Trials:
    def __init__(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "server"
        data_dir.mkdir()
        self.server = LiveServer(data_dir, log_path=tmp_path / "server.log")
        self.server.start()
        self.db = Database(sqlite_url_for(data_dir))
        self.org = "ORG-TRIALS"
        [(load, code)] = enrolment_codes(self.db, org_id=self.org, devices=1, visits=40, seed=1)
        self.proxy = FaultProxy(self.server.port)
        self.device = LoadDevice(tmp_path / "device", self.proxy.url, load, seed=1)
        self.device.enrol(code)
        assert self.device.sync()[1] == ""  # the caseload, before anything breaks

    def final_sync(self) -> None:
        """Nothing broken any more: one sync settles everything."""
        if self.server.process is None:
            self.server.start()
        _took, error, pending = self.device.sync()
        assert (error, pending) == ("", 0)

    def exactly_once(self) -> bool:
        records, _visits = on_server(self.db, self.org)
        made = {(record_id, revision) for _kind, record_id, revision in self.device.records}
        return set(records) == made and set(records.values()) == {1}

    def close(self) -> None:
        self.device.close()
        self.proxy.close()
        self.server.stop()
        self.db.dispose()


@pytest.fixture
def trials(tmp_path: Path) -> Iterator[Trials]:
    t = Trials(tmp_path)
    yield t
    t.close()


def test_server_sigkilled_mid_batch_then_one_final_sync_leaves_each_record_once(
    trials: Trials,
) -> None:
    for seed in SEEDS:
        rng = random.Random(seed)
        trials.device.record(rng.randint(8, 15))
        # Dead a moment after the push starts: mostly while the batch is being stored.
        killer = threading.Timer(rng.uniform(0.0, 0.15), trials.server.stop, kwargs={"hard": True})
        killer.start()
        _took, error, _pending = trials.device.sync()
        killer.join()
        assert trials.server.process is None  # the kill landed
        assert error == "" or error_kind(error) == "offline"  # (it may have finished first)
        trials.final_sync()
        assert trials.exactly_once(), f"seed {seed}"


@pytest.mark.parametrize(("way", "line"), [("request", PUSH), ("response", PUSH)])
def test_connection_cut_during_push_then_one_final_sync_leaves_each_record_once(
    trials: Trials, way: str, line: bytes
) -> None:
    for seed in SEEDS:
        rng = random.Random(seed)
        trials.device.record(rng.randint(3, 8))
        before = trials.proxy.cut[way]
        trials.proxy.cut_next(way, line, n=rng.randint(1, 3))  # 3: every attempt of the sync
        trials.device.sync()
        assert trials.proxy.cut[way] > before  # the cut landed on a push
        trials.proxy.cut_next(way, line, n=0)
        trials.final_sync()
        assert trials.exactly_once(), f"seed {seed}"


@pytest.mark.parametrize("way", ["request", "response"])
def test_connection_cut_during_pull_then_one_final_sync_leaves_each_record_once(
    trials: Trials, way: str
) -> None:
    children = len(trials.device.load.children)
    for seed in SEEDS:
        rng = random.Random(seed)
        trials.device.record(rng.randint(3, 8))
        before = trials.proxy.cut[way]
        trials.proxy.cut_next(way, PULL, n=3)  # every attempt at the download
        _took, error, _pending = trials.device.sync()
        assert trials.proxy.cut[way] - before == 3 and error  # the download failed...
        assert trials.exactly_once(), f"seed {seed}"  # ...after the push had gone through
        trials.final_sync()
        assert trials.exactly_once(), f"seed {seed}"
    assert trials.device.session is not None
    rows = trials.device.session.services().caseload.rows()
    assert len({r.child_id for r in rows}) == children  # the caseload survived the cut downloads


def test_device_killed_mid_sync_then_reopened_leaves_each_record_once(trials: Trials) -> None:
    kills = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        trials.device.record(rng.randint(3, 8))
        trials.device.kill_after = rng.uniform(0.0, 0.1)
        _took, error, _pending = trials.device.sync()
        kills += error == KILLED
        trials.final_sync()  # the store opened again from disk
        assert trials.exactly_once(), f"seed {seed}"
    assert kills >= 1 and trials.device.killed == kills


def test_device_process_sigkilled_mid_sync_then_reopened_leaves_each_record_once(
    trials: Trials,
) -> None:
    kills = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        trials.device.record(rng.randint(3, 8))
        kills += trials.device.killed_in_a_sync(rng.uniform(0.0, 0.3))
        trials.final_sync()  # the store opened again from disk, after a real SIGKILL
        assert trials.exactly_once(), f"seed {seed}"
    assert kills >= 1 and trials.device.sigkilled == kills
