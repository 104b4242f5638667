"""`seen loadtest`: D simulated devices (real encrypted stores, the real Session and sync services)
enrolled with a central record over real sockets on 127.0.0.1, each recording V synthetic visits
(some amended, with concerns) and syncing, all at once; with --faults, the faults of faults.py
injected at seeded random points. Then every fault is switched off, each device syncs until it is
settled (bounded), and the central record is counted: nothing lost, nothing twice.

Which central record: `--server URL` (an already running one, whose database `--db` names, so
the run can set up its organisation and count what arrived), else `seen server` started here on
SQLite in a temp dir, or on the `--db` PostgreSQL URL. `--workers N` is passed to the `seen server`
started here (PostgreSQL for more than one).

Bounded: `--seconds` stops devices starting new visits (each records at least its first few);
the final syncs are bounded in attempts. Progress goes to stderr; `--json` prints one object."""

from __future__ import annotations

import logging
import random
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

__all__ = ["Options", "run_loadtest"]

CHUNK = (1, 5)  # visits recorded between two syncs
FINAL_ATTEMPTS = 10
BACKOFF = (0.3, 1.0)  # seconds a device waits after a failed sync


@dataclass(frozen=True)
class Options:
    devices: int
    visits: int
    seconds: float
    faults: bool = False
    seed: int = 1
    server: str | None = None
    db: str | None = None
    as_json: bool = False
    workers: int = 1


def _check_usage(o: Options) -> None:
    for name, value in (("--devices", o.devices), ("--visits", o.visits)):
        if value < 1:
            raise click.UsageError(
                f"Nothing ran: {name} {value} gives nothing to send. Use 1 or more."
            )
    if o.seconds <= 0:
        raise click.UsageError(
            f"Nothing ran: --seconds {o.seconds:g} leaves no time. Use more than 0."
        )
    if o.server and not o.db:
        raise click.UsageError(
            "--server needs --db, the database that server uses: the run sets up its "
            "organisation there and counts what arrived."
        )
    if o.server and o.workers > 1:
        raise click.UsageError("--workers is for the server this run starts: leave out --server.")
    if o.server and o.faults:
        raise click.UsageError(
            "--faults kills and restarts the server, so it needs the server this run starts: "
            "leave out --server."
        )


def _say(message: str) -> None:
    click.echo(message, err=True)


def run_loadtest(o: Options) -> dict[str, Any]:
    _check_usage(o)
    for chatty in ("httpx", "sync.client", "mobile"):  # a line per request drowns the progress
        logging.getLogger(chatty).setLevel(logging.WARNING)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="seen-loadtest-")))
        result = _run(o, tmp, stack)
    from seen_cli.loadtest.report import finish

    finish(result, faults=o.faults, as_json=o.as_json)
    return result


def _run(o: Options, tmp: Path, stack: ExitStack) -> dict[str, Any]:
    from seen_cli.loadtest.devices import LoadDevice
    from seen_cli.loadtest.faults import Faults, ServerKiller
    from seen_cli.loadtest.report import error_kind, on_server, summary
    from seen_cli.loadtest.server import LiveServer
    from seen_cli.loadtest.setup import enrolment_codes
    from sync.server.db import Database, sqlite_url_for

    faults = Faults(on=o.faults, seed=o.seed)
    server: LiveServer | None = None
    if o.server:
        url, db_url = o.server.rstrip("/"), o.db
    else:
        data_dir = tmp / "server"
        data_dir.mkdir()
        args = ["--db", o.db] if o.db else []
        if o.workers > 1:
            args += ["--workers", str(o.workers)]
        server = LiveServer(data_dir, log_path=tmp / "server.log", args=args)
        _say("Starting the central record (" + ("PostgreSQL" if o.db else "SQLite") + ")...")
        server.start()
        stack.callback(server.stop)
        url, db_url = server.url, o.db or sqlite_url_for(data_dir)
    assert db_url is not None
    db = Database(db_url)
    stack.callback(db.dispose)
    org_id = f"ORG-LOAD-{uuid.uuid4().hex[:8].upper()}"
    loads = enrolment_codes(db, org_id=org_id, devices=o.devices, visits=o.visits, seed=o.seed)

    proxy = faults.proxy(int(url.rsplit(":", 1)[1])) if o.faults else None
    if proxy is not None:
        stack.callback(proxy.close)
    through = proxy.url if proxy is not None else url
    devices = [
        LoadDevice(tmp / f"device-{n}", through, load, seed=o.seed * 1000 + n, skew=faults.skew())
        for n, (load, _code) in enumerate(loads)
    ]
    for device in devices:
        stack.callback(device.close)
    _say(f"Enrolling {o.devices} devices...")
    for device, (_load, code) in zip(devices, loads, strict=True):
        device.enrol(code)
        device.sync()  # its caseload, before anything breaks

    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    crashes: list[str] = []

    killer = (
        ServerKiller(server, faults, expected_syncs=o.devices * (o.visits // 3 + 1))
        if server
        else None
    )

    def synced(device: LoadDevice) -> bool:
        faults.before_sync(device)
        if killer is not None:
            killer.before_sync()
        took, last_error, pending = device.sync()
        faults.after_sync(device, url)
        with lock:
            latencies.append(took)
            if last_error:
                errors[error_kind(last_error)] += 1
        return not last_error and pending == 0

    deadline = time.monotonic() + o.seconds

    def work(n: int, device: LoadDevice) -> None:
        rng = random.Random(o.seed * 31 + n)
        try:
            done = 0
            while done < o.visits and (done == 0 or time.monotonic() < deadline):
                k = min(o.visits - done, rng.randint(*CHUNK))
                device.record(k)
                done += k
                if not synced(device) and time.monotonic() < deadline:
                    time.sleep(rng.uniform(*BACKOFF))  # as the app waits before trying again
        except Exception as exc:  # counted, never hidden: the run then fails
            with lock:
                crashes.append(f"device crashed: {type(exc).__name__}")

    def final(device: LoadDevice) -> None:
        try:
            for _ in range(FINAL_ATTEMPTS):
                if synced(device):
                    return
                time.sleep(0.2)
        except Exception as exc:
            with lock:
                crashes.append(f"final sync crashed: {type(exc).__name__}")

    _say(f"Recording and syncing{' with faults' if o.faults else ''}...")
    started = time.perf_counter()
    if proxy is not None and o.faults:
        proxy.cut_requests = proxy.cut_responses = 1  # at least one of each, however short the run
    _in_threads(work, list(enumerate(devices)), progress=lambda: _progress(devices, faults))
    if killer is not None:
        killer.stop()
    if server is not None and server.process is None:
        server.start()
    for device in devices:  # each device's last push once more, the server up: duplicates only
        faults.after_sync(device, url, always=True)
    faults.on = False
    if proxy is not None:
        proxy.rate = 0.0
    if server is not None and server.process is None:
        server.start()
    _say("Faults off: a final sync on every device...")
    _in_threads(lambda _n, d: final(d), list(enumerate(devices)), progress=None)
    elapsed = time.perf_counter() - started
    if proxy is not None:
        faults.count("cut_mid_request", proxy.cut["request"])
        faults.count("cut_mid_response", proxy.cut["response"])
    faults.count("device_killed", sum(d.killed for d in devices))
    faults.count("device_sigkilled", sum(d.sigkilled for d in devices))
    faults.injected.pop("device_process_started", None)  # (counted where they landed)
    for crash in crashes:
        errors[crash] += 1
    errors.update(faults.problems)
    acknowledged: set[uuid.UUID] = set()
    for device in devices:
        acknowledged |= device.acknowledged()
    return summary(
        devices=o.devices,
        planned=o.devices * o.visits,
        recorded=[r for d in devices for r in d.records],
        acknowledged=acknowledged,
        server=on_server(db, org_id),
        errors=errors,
        injected=+faults.injected,
        elapsed=elapsed,
        latencies=latencies,
    )


def _in_threads(target: Any, args: list[tuple[int, Any]], progress: Any) -> None:
    threads = [threading.Thread(target=target, args=a, daemon=True) for a in args]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        threads[0].join(timeout=2.0)
        for t in threads:
            t.join(timeout=0.01)
        if progress is not None and any(t.is_alive() for t in threads):
            progress()


def _progress(devices: list[Any], faults: Any) -> None:
    recorded = sum(1 for d in devices for r in d.records if r[0] == "visit")
    injected = sum(faults.injected.values())
    _say(f"  {recorded} visits recorded so far; {injected} faults injected")
