"""`seen loadtest` with tiny numbers, on SQLite and PostgreSQL: real devices (encrypted stores,
the real services) syncing with a real `seen server` on 127.0.0.1, with and without faults; a short
run that completes what it started passes; a run with nothing to do is a usage error; and the count
that decides a run fails when a record is missing or doubled. Synthetic data only."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from uuid import uuid4

import click
import pytest
from click.testing import CliRunner

from seen_cli.loadtest.report import finish, summary
from seen_cli.loadtest.server import LiveServer
from seen_cli.main import cli
from sync.server.db import sqlite_url_for

pytestmark = pytest.mark.slow
INJECTED_ERRORS = {"offline", "device_killed"}  # what cuts, server kills and device kills show


def _loadtest(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["loadtest", *args])
    return result.exit_code, result.stdout, result.output


def _json_run(backend: str, *args: str) -> dict[str, Any]:
    db = ["--db", backend] if backend.startswith("postgresql") else []
    code, stdout, output = _loadtest("--devices", "3", "--visits", "5", "--json", *db, *args)
    assert code == 0, output
    result: dict[str, Any] = json.loads(stdout)
    return result


def test_a_small_run_leaves_every_visit_on_the_central_record_once(backend: str) -> None:
    r = _json_run(backend)
    assert (r["devices"], r["visits_recorded"], r["on_server"], r["acknowledged"]) == (
        3,
        15,
        15,
        15,
    )
    assert r["amendments_recorded"] > 0 and r["concerns_recorded"] == 3
    assert (r["lost"], r["duplicates"], r["errors"], r["injected"]) == (0, 0, {}, {})
    assert r["syncs"] >= 3 and r["sync_p95_ms"] >= r["sync_p50_ms"] > 0 and r["visits_per_s"] > 0


@pytest.mark.parametrize("seed", [3, 8])
def test_a_small_run_with_faults_loses_nothing_and_doubles_nothing(backend: str, seed: int) -> None:
    r = _json_run(backend, "--faults", "--seed", str(seed))
    assert (r["visits_recorded"], r["on_server"], r["acknowledged"]) == (15, 15, 15)
    assert (r["lost"], r["duplicates"]) == (0, 0)
    assert set(r["errors"]) <= INJECTED_ERRORS, r["errors"]
    injected = r["injected"]
    assert injected["cut_mid_request"] >= 1 and injected["cut_mid_response"] >= 1, injected
    assert injected["server_killed"] >= 1, injected
    assert sum(r["errors"].values()) >= 1  # the faults were felt, not just counted


@pytest.mark.postgres
def test_a_run_with_faults_on_two_server_workers_loses_nothing(pg_database: str) -> None:
    help_text = CliRunner().invoke(cli, ["server", "--help"]).output
    if "--workers" not in help_text:
        pytest.skip("seen server has no --workers on this branch yet")
    r = _json_run(pg_database, "--faults", "--seed", "5", "--workers", "2")
    assert (r["visits_recorded"], r["on_server"], r["lost"], r["duplicates"]) == (15, 15, 0, 0)
    assert set(r["errors"]) <= INJECTED_ERRORS and r["injected"]["server_killed"] >= 1


def test_loadtest_cut_short_by_seconds_passes_when_everything_recorded_was_stored() -> None:
    code, stdout, output = _loadtest("--devices", "2", "--visits", "60", "--seconds", "0.001")
    assert code == 0, output
    assert "Stopped at the --seconds limit:" in stdout and "of the 120 planned" in stdout
    assert "lost 0, duplicates 0" in stdout and "Nothing lost, nothing doubled." in stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--devices", "0"), "Nothing ran: --devices 0 gives nothing to send"),
        (("--visits", "0"), "Nothing ran: --visits 0 gives nothing to send"),
        (("--seconds", "0"), "Nothing ran: --seconds 0 leaves no time"),
        (("--server", "http://127.0.0.1:9"), "--server needs --db"),
        (
            ("--server", "http://127.0.0.1:9", "--db", "sqlite://", "--workers", "2"),
            "--workers is for",
        ),
        (("--server", "http://127.0.0.1:9", "--db", "sqlite://", "--faults"), "leave out --server"),
    ],
)
def test_loadtest_with_nothing_to_do_or_options_that_cannot_work_is_a_usage_error(
    args: tuple[str, ...], words: str
) -> None:
    code, _stdout, output = _loadtest(*args)
    assert code == 2 and words in output
    assert "Nothing lost" not in output


def _counted(on_server: Counter[tuple[Any, int]], visit_rows: Counter[Any]) -> dict[str, Any]:
    return summary(
        devices=1, planned=2, recorded=[("visit", A, 1), ("amendment", A, 2), ("visit", B, 1)],
        acknowledged={A, B}, server=(on_server, visit_rows), errors=Counter(),
        injected=Counter(), elapsed=1.0, latencies=[0.1, 0.2, 0.3],
    )  # fmt: skip


A, B = uuid4(), uuid4()


def test_the_count_finds_a_revision_missing_and_a_record_nobody_made() -> None:
    whole = _counted(Counter({(A, 1): 1, (A, 2): 1, (B, 1): 1}), Counter({A: 2, B: 1}))
    assert (whole["lost"], whole["duplicates"], whole["on_server"]) == (0, 0, 2)
    missing = _counted(Counter({(A, 1): 1, (B, 1): 1}), Counter({A: 1, B: 1}))
    assert (missing["lost"], missing["lost_visits"]) == (1, 1)  # the amendment never arrived
    extra = _counted(Counter({(A, 1): 1, (A, 2): 1, (B, 1): 1, (uuid4(), 1): 1}), Counter({A: 2}))
    assert extra["duplicates"] == 1  # a record at the central record that no device made
    doubled = _counted(Counter({(A, 1): 1, (A, 2): 1, (B, 1): 1}), Counter({A: 3, B: 1}))
    assert doubled["duplicates"] == 1
    assert (whole["sync_p50_ms"], whole["sync_p95_ms"]) == (200.0, 300.0)


def test_a_run_against_a_server_already_running_counts_in_its_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "server"
    data_dir.mkdir()
    server = LiveServer(data_dir, log_path=tmp_path / "server.log")
    server.start()
    try:
        args = ("--server", server.url, "--db", sqlite_url_for(data_dir))
        r = _json_run("sqlite", "--devices", "2", "--visits", "3", *args)
    finally:
        server.stop()
    assert (r["visits_recorded"], r["on_server"], r["lost"], r["duplicates"]) == (6, 6, 0, 0)


@pytest.mark.parametrize(
    ("faults", "errors", "fails"),
    [
        (False, {"offline": 1}, True),  # nothing was injected: nothing explains it
        (True, {"offline": 2, "device_killed": 1}, False),
        (True, {"other: Sync refused": 1}, True),
        (True, {"device crashed: StoreError": 1}, True),
    ],
)
def test_a_run_fails_on_any_error_no_injected_fault_explains(
    faults: bool, errors: dict[str, int], fails: bool
) -> None:
    result = {
        **_counted(Counter({(A, 1): 1, (A, 2): 1, (B, 1): 1}), Counter({A: 2})),
        "errors": errors,
    }
    if fails:
        with pytest.raises(click.ClickException):
            finish(result, faults=faults, as_json=True)
    else:
        finish(result, faults=faults, as_json=True)
