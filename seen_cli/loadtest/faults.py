"""The faults a --faults run injects, every choice from one seeded Random so a run can be repeated:
connections cut mid-request and mid-response (the proxy), the server SIGKILLed and restarted, a push
sent again byte for byte (a duplicate replay), device clocks hours out, devices killed mid-sync
(the store closed wherever the sync has got to, then opened again from disk).

Counts of what was injected are kept by kind; the errors devices see may only be of these kinds."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import timedelta

import httpx

from seen_cli.loadtest.devices import LoadDevice
from seen_cli.loadtest.proxy import FaultProxy
from seen_cli.loadtest.server import LiveServer

__all__ = ["Faults", "ServerKiller"]

CUT_RATE = 0.02  # per chunk through the proxy
KILL_DEVICE = 0.15  # per sync
SIGKILL_DEVICE = 0.05  # per sync: the sync in a process of its own, SIGKILLed part-way
MAX_DEVICE_SIGKILLS = 3  # (each costs a Python start-up)
REPLAY = 0.2  # per sync
MAX_SERVER_KILLS = 3


class Faults:
    """Off (every method a no-op) unless `on`. Thread-safe: devices call it from their threads."""

    def __init__(self, *, on: bool, seed: int) -> None:
        self.on = on
        self.injected: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def _chance(self, p: float) -> bool:
        with self._lock:
            return self.on and self._rng.random() < p

    def count(self, kind: str, n: int = 1) -> None:
        with self._lock:
            self.injected[kind] += n

    def skew(self) -> timedelta:
        """A device's clock: half of them hours fast or slow."""
        with self._lock:
            if not self.on or self._rng.random() < 0.5:
                return timedelta(0)
            hours = self._rng.choice((-9, -5, -2, 2, 5, 9))
            self.injected["clock_skewed"] += 1
            return timedelta(hours=hours, minutes=self._rng.randrange(60))

    def before_sync(self, device: LoadDevice) -> None:
        if self._chance(SIGKILL_DEVICE):
            with self._lock:
                if self.injected["device_process_started"] < MAX_DEVICE_SIGKILLS:
                    self.injected["device_process_started"] += 1
                    device.sigkill_after = self._rng.uniform(0.0, 0.3)
                    return
        if self._chance(KILL_DEVICE):
            with self._lock:
                device.kill_after = self._rng.uniform(0.0, 0.08)

    def after_sync(self, device: LoadDevice, server_url: str, *, always: bool = False) -> None:
        """Sometimes (or `always`, while faults are on) send the device's last push again,
        straight to the server: only duplicate (or, if the first was cut before it arrived,
        accepted) receipts may come back."""
        if not device.pushes or not self.on or not (always or self._chance(REPLAY)):
            return
        headers, body = device.pushes[-1]
        try:
            answer = httpx.post(
                f"{server_url}/sync/push", content=body, headers=headers, timeout=20
            )
        except httpx.HTTPError:
            return  # the server is down at this moment: nothing was replayed
        self.count("replayed")
        if answer.status_code == 200:
            statuses = {r["status"] for r in answer.json()["receipts"]}
            if not statuses <= {"duplicate", "accepted"}:
                with self._lock:  # not a fault injected: a wrong answer, so the run fails
                    self.problems["replay answered " + " ".join(sorted(statuses))] += 1

    def proxy(self, upstream_port: int) -> FaultProxy:
        with self._lock:
            seed = self._rng.getrandbits(32)
        proxy = FaultProxy(upstream_port, rate=CUT_RATE if self.on else 0.0, seed=seed)
        return proxy


class ServerKiller:
    """SIGKILLs the server at chosen syncs (by count, never by wall time, so a slow machine is
    tested as a fast one is): a moment after that sync starts, mid-batch or wherever it has got
    to; the server starts again a moment later. At most MAX_SERVER_KILLS, one at a time."""

    def __init__(self, server: LiveServer, faults: Faults, *, expected_syncs: int) -> None:
        self.server, self.faults = server, faults
        with faults._lock:
            self._rng = random.Random(faults._rng.getrandbits(32))
        span = max(2, expected_syncs // 2)
        self._at = set(self._rng.sample(range(1, span), min(MAX_SERVER_KILLS, span - 1)))
        self._syncs = self._due = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def before_sync(self) -> None:
        if not self.faults.on:
            return
        with self._lock:
            self._syncs += 1
            self._due += self._syncs in self._at
            busy = self._thread is not None and self._thread.is_alive()
            if not self._due or busy:
                return  # (one due while the server restarts waits for a later sync)
            self._due -= 1
            delay, down = self._rng.uniform(0.0, 0.1), self._rng.uniform(0.0, 0.3)
            self._thread = threading.Thread(target=self._kill, args=(delay, down), daemon=True)
            self._thread.start()

    def _kill(self, delay: float, down: float) -> None:
        time.sleep(delay)
        self.server.stop(hard=True)
        self.faults.count("server_killed")
        time.sleep(down)
        self.server.start()

    def stop(self) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=60)
