"""What a run proves, counted at the central record: every record a device made is there exactly
once (revision by revision), nothing else is there for the run's organisation, and how long syncs
took. `lost` and `duplicates` must both be 0."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import click
import sqlalchemy as sa

from mobile import codes
from mobile.services.errors import SessionLockedError
from seen_cli.loadtest.devices import KILLED
from sync.server.db import Database
from sync.server.tables import RecordRevisionRow, VisitRevisionRow, table_of

__all__ = ["INJECTED_ERRORS", "error_kind", "finish", "on_server", "percentile", "summary"]

# What the injected faults show a device (cuts and server kills: offline): any other error fails.
INJECTED_ERRORS = {"offline", KILLED}

Record = tuple[str, UUID, int]


def error_kind(last_error: str) -> str:
    """A sync's failure in a word: its text is ours (plain words, no personal data)."""
    if last_error == codes.WORDS[codes.OFFLINE]:
        return "offline"
    if last_error in (SessionLockedError().message, KILLED):
        return KILLED
    return "other: " + last_error[:80]


def on_server(db: Database, org_id: str) -> tuple[Counter[tuple[UUID, int]], Counter[UUID]]:
    """Rows per (record id, revision), and the visit's whole-record rows per visit id."""
    rr, vr = table_of(RecordRevisionRow).c, table_of(VisitRevisionRow).c
    with db.read() as s:
        records = Counter(
            {
                (r.record_id, r.revision): r.n
                for r in s.execute(
                    sa.select(rr.record_id, rr.revision, sa.func.count().label("n"))
                    .where(rr.org_id == org_id)
                    .group_by(rr.record_id, rr.revision)
                )
            }
        )
        visits = Counter(
            {
                r.visit_id: r.n
                for r in s.execute(
                    sa.select(vr.visit_id, sa.func.count().label("n"))
                    .where(vr.org_id == org_id)
                    .group_by(vr.visit_id)
                )
            }
        )
    return records, visits


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def summary(
    *,
    devices: int,
    planned: int,
    recorded: Iterable[Record],
    acknowledged: set[UUID],
    server: tuple[Counter[tuple[UUID, int]], Counter[UUID]],
    errors: Counter[str],
    injected: Counter[str],
    elapsed: float,
    latencies: Sequence[float],
) -> dict[str, Any]:
    records, visit_rows = server
    made = list(recorded)
    wanted = {(record_id, revision) for _kind, record_id, revision in made}
    visits = [r for r in made if r[0] == "visit"]
    revisions_of: Counter[UUID] = Counter(
        record_id for kind, record_id, _ in made if kind != "concern"
    )
    lost = sorted(key for key in wanted if records[key] == 0)
    doubled = sum(n - 1 for n in records.values() if n > 1)
    doubled += sum(max(0, n - revisions_of[v]) for v, n in visit_rows.items())
    unexpected = sum(n for key, n in records.items() if key not in wanted)
    lost_visits = {record_id for record_id, _ in lost}
    return {
        "devices": devices,
        "visits_planned": planned,
        "visits_recorded": len(visits),
        "amendments_recorded": sum(1 for r in made if r[0] == "amendment"),
        "concerns_recorded": sum(1 for r in made if r[0] == "concern"),
        "acknowledged": sum(1 for _k, v, _r in visits if v in acknowledged),
        "on_server": sum(1 for _k, v, r in visits if records[(v, r)] > 0),
        "duplicates": doubled + unexpected,
        "lost": len(lost),
        "lost_visits": sum(1 for _k, v, _r in visits if v in lost_visits),
        "errors": dict(sorted(errors.items())),
        "injected": dict(sorted(injected.items())),
        "syncs": len(latencies),
        "elapsed_s": round(elapsed, 2),
        "visits_per_s": round(len(visits) / elapsed, 1) if elapsed else 0.0,
        "sync_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "sync_p95_ms": round(percentile(latencies, 95) * 1000, 1),
    }


def finish(result: dict[str, Any], *, faults: bool, as_json: bool) -> None:
    """Print the result (one JSON object, or plain lines); fail the command if anything was
    lost or doubled, nothing ran, or a device saw an error no injected fault explains."""
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(
            f"{result['devices']} devices recorded {result['visits_recorded']} visits "
            f"({result['amendments_recorded']} amendments, {result['concerns_recorded']} "
            f"concerns) in {result['elapsed_s']} s ({result['visits_per_s']} visits/s)"
        )
        if result["visits_recorded"] < result["visits_planned"]:
            click.echo(
                f"Stopped at the --seconds limit: {result['visits_recorded']} of the "
                f"{result['visits_planned']} planned were recorded."
            )
        click.echo(
            f"On the central record: {result['on_server']} (acknowledged {result['acknowledged']}); "
            f"lost {result['lost']}, duplicates {result['duplicates']}"
        )
        click.echo(
            f"sync: p50 {result['sync_p50_ms']} ms, p95 {result['sync_p95_ms']} ms over "
            f"{result['syncs']} syncs; errors {result['errors'] or 'none'}; "
            f"injected {result['injected'] or 'none'}"
        )
    explained = INJECTED_ERRORS if faults else set()
    unexplained = [k for k in result["errors"] if k not in explained]
    if result["lost"] or result["duplicates"] or not result["visits_recorded"] or unexplained:
        raise click.ClickException(
            f"load test found problems: lost {result['lost']}, duplicates "
            f"{result['duplicates']}, errors {result['errors']}"
        )
    if not as_json:
        click.echo("Nothing lost, nothing doubled.")
