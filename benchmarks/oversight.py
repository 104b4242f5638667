"""Oversight benchmarks (issue 10): the periodic sweep over a big organisation, and what the
central record's own checks add to each pushed visit.

Both run on SQLite (a temp file) and on PostgreSQL (a fresh database on the server named by
SEEN_BENCH_PG_URL or SEEN_TEST_PG_URL; skipped, with the reason, when neither is set or
reachable), through the services the server calls (no HTTP: the figures are server work).
Data: synthetic only. Each figure is the median of 3 runs, with their spread: the machine is
shared, so one run says little.

- sweep, 5,000 children: an organisation of 5,000 children in 2,500 households, 3 visits per
  child already pushed (every sibling in scope, about one child in six not seen; plans from the
  children's service context). `run_checks` as of three weeks later, first from no flags at all
  (every flag raised: the worst case), then again (nothing changes). Progress on stderr.
- added cost per pushed visit: the same 1,200 visits (300 children), in batches of 100 in the
  order they happened, into fresh databases, with the oversight checks on (as the server runs)
  and off (push_items(oversight=False), a switch only this benchmark uses). ms per visit each,
  and the added percentage. "On" is the push as the route runs it: care found, contacts and the
  children queued, in the push's transaction; the flag checks themselves run after the receipts
  (oversight.pending), and are reported on their own line, per visit.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click
import sqlalchemy as sa

from benchmarks.sync import NOW, _CentralRecord, _database, _databases, _items, _settle
from sync.protocol import PushItem
from synthetic import SyntheticCaseload, generate_caseload

__all__ = ["run"]

Report = Callable[..., None]
RUNS = 3
LATER = NOW + timedelta(days=21)  # the sweep's moment: visits due since the pushes are overdue
_QUIET = ("httpx", "sync.server", "mobile")


def run(report: Report, *, quick: bool, peer: bool = False) -> None:
    levels = {name: logging.getLogger(name).level for name in _QUIET}
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        for name, url in _databases():
            if url.startswith("skip:"):
                why = url[5:]
                report(f"sweep, 5,000 children {name}: skipped, {why}", float("nan"), "s", "< 10 s")
                report(f"added cost per pushed visit {name}: skipped, {why}", float("nan"), "%",
                       "< 20%")  # fmt: skip
                continue
            _sweep(report, url, name, children=1000 if quick else 5000)
            _push_cost(report, url, name)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _progress(message: str) -> None:
    click.echo(f"  .. {message}", err=True)


def _actor(central: _CentralRecord) -> Any:
    """The Actor of the central record's enrolled device, as the push route has it."""
    from sync.server.services.common import Actor, StaffRole
    from sync.server.tables import DeviceRow, PractitionerRow, table_of

    d, p = table_of(DeviceRow).c, table_of(PractitionerRow).c
    query = (
        sa.select(d.device_id, p.practitioner_id, p.org_id, p.role, p.team_id, p.scope_version)
        .join_from(table_of(DeviceRow), table_of(PractitionerRow))
        .limit(1)
    )
    with central.app.state.db.read() as s:
        row = s.execute(query).one()
    return Actor(
        device_id=row.device_id,
        practitioner_id=row.practitioner_id,
        org_id=row.org_id,
        role=StaffRole(row.role),
        team_id=row.team_id,
        scope_version=row.scope_version,
    )


def _push(
    central: _CentralRecord, wire: list[PushItem], *, oversight: bool, label: str
) -> tuple[float, float]:
    """Every item, in batches of 100, as the push route runs them: the seconds the pushes took
    (what a device waits for), and the seconds the checks just after each took (not waited for)."""
    from sync.server.services.oversight.pending import drain
    from sync.server.services.push import push_items

    actor, db = _actor(central), central.app.state.db
    _settle()
    spent = checks = 0.0
    for start in range(0, len(wire), 100):
        began = time.perf_counter()
        answer = push_items(db=db, actor=actor, items=wire[start : start + 100], now=NOW,
                            oversight=oversight, then_check=False)  # fmt: skip
        pushed = time.perf_counter()
        spent += pushed - began
        if oversight:
            drain(db, actor.org_id, now=NOW)
            checks += time.perf_counter() - pushed
        assert all(r.status == "accepted" for r in answer.receipts), answer.receipts[0]
        if start and start % 2000 == 0:
            _progress(f"{label}: {start:,} of {len(wire):,} visits pushed")
    return spent, checks


def _in_order(load: SyntheticCaseload) -> list[PushItem]:
    """The load's visits as a device sends them, in the order they happened."""
    items = _items(load)
    when = {v.visit_id: v.started_at for v in load.visits}
    items.sort(key=lambda i: (when[i.record_id], str(i.record_id)))
    return [PushItem.of(item) for item in items]


@contextmanager
def _central(url: str, load: SyntheticCaseload) -> Iterator[_CentralRecord]:
    with _database(url) as ready:
        central = _CentralRecord(ready, load, "SOCIAL_WORKER")
        try:
            yield central
        finally:
            central.close()


def _spread(samples: list[float], fmt: str = "{:.2f}") -> str:
    return f"median of {len(samples)}: {fmt.format(min(samples))}-{fmt.format(max(samples))}"


# --- Figures -------------------------------------------------------------------------------------
def _sweep(report: Report, url: str, name: str, *, children: int) -> None:
    from sync.server.services.oversight.sweep import run_checks
    from sync.server.tables import FlagEventRow, FlagRow, table_of

    _progress(f"sweep {name}: generating {children:,} children")
    load = generate_caseload(
        seed=21, children=children, households=children // 2, visits_per_child=3,
        organisation_id=f"ORG-BENCH-{uuid.uuid4().hex[:6]}",
    )  # fmt: skip
    wire = _in_order(load)
    with _central(url, load) as central:
        db = central.app.state.db
        _push(central, wire, oversight=True, label=f"sweep {name}")
        del wire
        first, second, flags = [], [], 0
        for run in range(RUNS):
            with db.write() as s:  # from no flags: the sweep raises every one itself
                s.execute(sa.delete(table_of(FlagEventRow)))
                s.execute(sa.delete(table_of(FlagRow)))
            _settle()
            began = time.perf_counter()
            raised = run_checks(db=db, now=LATER)
            first.append(time.perf_counter() - began)
            began = time.perf_counter()
            again = run_checks(db=db, now=LATER)
            second.append(time.perf_counter() - began)
            assert sum(r.changed for r in again) == 0, "a second sweep changed flags"
            flags = sum(r.changed for r in raised)
            _progress(f"sweep {name} run {run + 1}: {first[-1]:.2f} s, again {second[-1]:.2f} s")
    report(
        f"sweep, {children:,} children {name}, first run ({flags:,} flags raised; "
        f"{_spread(first)})",
        statistics.median(first),
        "s",
        "< 10 s",
    )
    report(
        f"sweep, {children:,} children {name}, run again (no change; {_spread(second)})",
        statistics.median(second),
        "s",
        "< 10 s",
    )


def _push_cost(report: Report, url: str, name: str) -> None:
    load = generate_caseload(seed=23, children=300, households=150, visits_per_child=4)
    wire = _in_order(load)
    count = len(wire)
    per_visit: dict[bool, list[float]] = {True: [], False: []}
    after: list[float] = []
    for run in range(RUNS):
        for oversight in (run % 2 == 0, run % 2 != 0):  # alternate which goes first
            with _central(url, load) as central:
                label = f"push {name} run {run + 1} oversight {'on' if oversight else 'off'}"
                spent, checks = _push(central, wire, oversight=oversight, label=label)
                per_visit[oversight].append(spent / count * 1000)
                if oversight:
                    after.append(checks / count * 1000)
                _progress(f"{label}: {spent / count * 1000:.2f} ms per visit")
    on, off = (statistics.median(per_visit[k]) for k in (True, False))
    spread = "{:.2f}"
    report(f"push with oversight {name} ({count:,} visits; {_spread(per_visit[True], spread)})",
           on, "ms/visit")  # fmt: skip
    report(f"push without oversight {name} (bench switch; {_spread(per_visit[False], spread)})",
           off, "ms/visit")  # fmt: skip
    added = [(a / b - 1) * 100 for a, b in zip(per_visit[True], per_visit[False], strict=True)]
    report(
        f"added cost per pushed visit {name} (per run: {', '.join(f'{a:.0f}%' for a in added)})",
        (on / off - 1) * 100,
        "%",
        "< 20%",
    )
    report(
        f"flag checks just after the receipts {name} (not waited for; {_spread(after, spread)})",
        statistics.median(after),
        "ms/visit",
    )
