"""`seen loadtest`: many simulated devices pushing synthetic visits to a central record started on
127.0.0.1 for the purpose (SQLite in a temp dir), then checking nothing was lost or doubled.

`--seconds` stops devices starting new batches; a batch under way finishes, and every device sends
at least its first. The check is against what was sent, so a short run that completes what it
started passes. No devices or no visits is a usage error: nothing would run, so nothing is proved.
"""

from __future__ import annotations

import logging
import socket
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import click

__all__ = ["run_loadtest"]

log = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _check_usage(*, devices: int, visits: int, seconds: float) -> None:
    for name, value in (("--devices", devices), ("--visits", visits)):
        if value < 1:
            raise click.UsageError(
                f"Nothing ran: {name} {value} gives nothing to send. Use 1 or more."
            )
    if seconds <= 0:
        raise click.UsageError(
            f"Nothing ran: --seconds {seconds:g} leaves no time. Use more than 0."
        )


def run_loadtest(*, devices: int, visits: int, seconds: float) -> None:
    _check_usage(devices=devices, visits=visits, seconds=seconds)
    import httpx
    import uvicorn

    from models.lifecycle import submit
    from models.receipt import OutboxItem, RecordKind
    from sync.client import SyncClient, SyncError
    from sync.server import Settings, create_app
    from sync.server import services as sv
    from sync.server.tables import RecordRevisionRow, table_of
    from synthetic import generate_caseload

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="seen-loadtest-") as tmp:
        app = create_app(Settings.for_data_dir(tmp))
        db = app.state.db
        sv.create_organisation(db=db, org_id="ORG-LOAD", name="Load test (synthetic)", now=now)
        team = sv.create_team(db=db, org_id="ORG-LOAD", name="Load team", now=now)
        plans = []
        for n in range(devices):
            children = max(1, visits // 5)
            load = generate_caseload(
                seed=1000 + n,
                children=children,
                households=max(1, children // 2),
                visits_per_child=max(1, visits // children),
                organisation_id="ORG-LOAD",
            )
            sv.create_practitioner(
                db=db, org_id="ORG-LOAD", display_name=f"Load worker {n} (synthetic)",
                role=sv.StaffRole.SOCIAL_WORKER, team_id=team, practitioner_id=load.practitioner_id, now=now,
            )  # fmt: skip
            sv.load_caseload(
                db=db, org_id="ORG-LOAD", households=load.households, people=load.people,
                children=load.children, restrictions=load.restrictions, now=now,
            )  # fmt: skip
            code, _ = sv.issue_enrolment_code(
                db=db, practitioner_id=load.practitioner_id, now=now, ttl=timedelta(hours=1)
            )
            items = [
                OutboxItem.of(submit(v, at=now), kind=RecordKind.VISIT, record_id=v.visit_id)
                for v in load.visits[:visits]
            ]
            plans.append((code, items))

        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        latencies: list[float] = []
        failures: list[str] = []
        sent_by_device = [0] * len(plans)  # visits whose push was answered
        deadline = time.monotonic() + seconds
        lock = threading.Lock()

        def device(n: int, code: str, items: list[OutboxItem]) -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
                client = SyncClient(http, credential=None)
                try:
                    client.enrol(code, device_id=uuid.uuid4())
                    for start in range(0, len(items), 20):
                        if start and time.monotonic() > deadline:
                            break  # time is up: start nothing new, keep what was sent
                        batch = items[start : start + 20]
                        t = time.perf_counter()
                        answer = client.push(batch)
                        sent_by_device[n] += len(batch)
                        client.push(batch)  # a replay: duplicates only
                        with lock:
                            latencies.append((time.perf_counter() - t) * 1000 / 2)
                            if not all(r.status.acknowledged for r in answer.receipts):
                                failures.append("unacknowledged receipt")
                    for _page in client.iter_changes(None):
                        pass
                except SyncError as exc:
                    with lock:
                        failures.append(exc.code)

        started = time.perf_counter()
        workers = [threading.Thread(target=device, args=(n, *plan)) for n, plan in enumerate(plans)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - started
        server.should_exit = True
        thread.join(timeout=10)
        with db.read() as s:
            import sqlalchemy as sa

            stored = s.execute(
                sa.select(sa.func.count()).select_from(table_of(RecordRevisionRow))
            ).scalar_one()
        db.dispose()
    planned, sent = sum(len(items) for _code, items in plans), sum(sent_by_device)
    click.echo(f"{devices} devices, {sent} visits sent (each batch twice) in {elapsed:.1f} s")
    if sent < planned:
        click.echo(f"Stopped at the --seconds limit: {sent} of the {planned} planned were sent.")
    if latencies:
        click.echo(
            f"push of 20: median {statistics.median(latencies):.0f} ms, "
            f"max {max(latencies):.0f} ms; stored {stored} (expected {sent})"
        )
    if failures or stored != sent:
        raise click.ClickException(
            f"load test found problems: {sorted(set(failures))} stored={stored}"
        )
    click.echo("Nothing lost, nothing doubled.")
