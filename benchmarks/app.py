"""App figures, on the real parts: the caseload of a health visitor's 800 children in a real
encrypted store, the visit service's submit, and `seen demo` from start to an unlock screen.

caseload rows from the store (CaseloadService.rows), 800 children      (what a reload costs)
  ... after one child changes / the first view of a new screen          (the row cache's paths)
caseload view-model sort of fresh rows / filter, search, re-order     target <= 50 ms
submit to safe on disk (VisitService.submit, SQLite file) p50 / p95    target p95 <= 10 ms
`seen demo` start to the ready line / to a usable unlock screen        seconds

Data: synthetic only. Files: temporary folders, removed afterwards. The KDF runs with small
parameters here (it is the store benchmark's subject, not these figures); the demo uses the real
one. The unlock-screen figure needs Debian's Chromium (/usr/bin/chromium) and Playwright; without
them only the ready line is timed.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.runner import percentile

__all__ = ["run"]

Report = Callable[..., None]
PASSPHRASE = "benchmark lantern orbit cobble"  # noqa: S105 - a throwaway store
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # a Monday: the figures never depend on today


def run(report: Report, *, quick: bool, peer: bool = False) -> None:
    quiet = [logging.getLogger(name) for name in ("mobile", "httpx")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.WARNING)  # set-up lines would interleave with the table
    try:
        with _health_visitor_store() as (store, load):
            _submit_to_disk(report, store, load, quick=quick)
            _caseload(report, store, load, quick=quick)
        _demo_start(report, quick=quick)
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


# A real store holding a health visitor's 800 children --------------------------------------------
@contextmanager
def _health_visitor_store() -> Iterator[tuple[Any, Any]]:
    from mobile.services.caseload import apply_caseload_changes
    from mobile.store import DeviceStore, KdfParams
    from models.enums import PractitionerRole
    from synthetic import generate_caseload

    load = generate_caseload(
        seed=42, children=800, households=300, practitioner_role=PractitionerRole.HEALTH_VISITOR
    )
    with tempfile.TemporaryDirectory(prefix="seen-bench-app-") as folder:
        store = DeviceStore.create(
            Path(folder) / "device",
            passphrase=PASSPHRASE,
            kdf_params=KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1),
            clock=lambda: NOW,
        )
        try:
            store.set_setting("organisation_id", load.organisation_id)
            store.set_setting("practitioner_id", str(load.practitioner_id))
            store.set_setting("role", str(load.practitioner_role))
            store.set_plain_setting("device_id", str(store.device_id))
            apply_caseload_changes(uow=store.unit_of_work(), changes=_changes(load), cursor="1")
            yield store, load
        finally:
            store.close()


def _changes(load: Any) -> list[Any]:
    """The caseload as the central record sends it: one change row per entity."""
    from models.receipt import CaseloadChange

    def change(kind: str, entity_id: Any, shape: Any, child_id: Any = None) -> CaseloadChange:
        return CaseloadChange(
            kind=kind, entity_id=entity_id, version=1, child_id=child_id,
            data=shape.model_dump(mode="json"),
        )  # fmt: skip

    return [
        *(change("household", h.household_id, h) for h in load.households),
        *(change("person", p.person_id, p) for p in load.people),
        *(change("child", c.child_id, c, c.child_id) for c in load.children),
        *(change("restriction", r.restriction_id, r, r.child_id) for r in load.restrictions),
        *(change("concern", c.concern_id, c) for c in load.concerns),
    ]


# Submit to safe on disk ----------------------------------------------------------------------------
def _submit_to_disk(report: Report, store: Any, load: Any, *, quick: bool) -> None:
    """From VisitService.submit(...) being called to its return: checked, locked, queued for the
    central record and committed to the SQLite file (one transaction)."""
    from mobile.services.visits import VisitService
    from synthetic import synthetic_visit

    visits = VisitService(store=store, clock=lambda: NOW, app_version="bench")
    rng = random.Random(7)  # noqa: S311 - synthetic data
    samples = []
    for child in rng.sample(load.children, 40 if quick else 300):
        answers = synthetic_visit(rng, load, child)
        draft = visits.start(child_ids=[c.child_id for c in answers.children])
        keep = {"visit_id", "device_id", "app_version", "created_on_device_at"}
        filled = draft.model_copy(
            update={k: getattr(answers, k) for k in type(answers).model_fields if k not in keep}
        )
        visits.save_draft(filled)
        started = time.perf_counter()
        visits.submit(filled.visit_id)
        samples.append((time.perf_counter() - started) * 1000)
    report("submit to safe on disk p50", percentile(samples, 50), "ms")
    report("submit to safe on disk p95", percentile(samples, 95), "ms", "<= 10 ms")


# The caseload view-model over 800 children ---------------------------------------------------------
def _caseload(report: Report, store: Any, load: Any, *, quick: bool) -> None:
    from mobile.services.caseload import CaseloadService
    from mobile.ui.viewmodels.caseload import CaseloadFilter, CaseloadSort, CaseloadViewModel

    service = CaseloadService(store=store, clock=lambda: NOW, practitioner_id=load.practitioner_id)
    reads, sorts, views = [], [], []
    rows = service.rows()
    assert len(rows) == 800
    vm = CaseloadViewModel(caseload=service)
    for n in range(3 if quick else 10):
        started = time.perf_counter()
        rows = service.rows()
        reads.append((time.perf_counter() - started) * 1000)
        for _ in range(5):
            started = time.perf_counter()
            vm.set_rows(rows)  # fresh rows: the default order (overdue first) is sorted again
            vm.visible()
            sorts.append((time.perf_counter() - started) * 1000)
        for query, chosen in (
            ("", CaseloadFilter.OVERDUE),
            (load.children[n].name.split()[0][:3].lower(), CaseloadFilter.ALL),
            ("o", CaseloadFilter.FLAGGED),
            ("", CaseloadFilter.NOT_SEEN),
            ("", CaseloadFilter.CONCERNS),
            ("", CaseloadFilter.ALL),
        ):
            vm.set_filter(chosen)
            started = time.perf_counter()
            vm.set_query(query)
            vm.visible()
            views.append((time.perf_counter() - started) * 1000)
        for order in CaseloadSort:
            started = time.perf_counter()
            vm.set_sort(order)
            vm.visible()
            views.append((time.perf_counter() - started) * 1000)
    report("caseload rows from the store, 800 children (p50)", percentile(reads, 50), "ms")
    after_change, cold = _caseload_rows_after_change(store, load, quick=quick)
    report("caseload rows after one child changes (p50)", percentile(after_change, 50), "ms")
    report("caseload rows, first view of a new screen (p50)", percentile(cold, 50), "ms")
    report("caseload view-model sort, 800 children (p95)", percentile(sorts, 95), "ms", "<= 50 ms")
    report(
        "caseload filter/search/re-order, 800 children (p95)",
        percentile(views, 95),
        "ms",
        "<= 50 ms",
    )


def _caseload_rows_after_change(
    store: Any, load: Any, *, quick: bool
) -> tuple[list[float], list[float]]:
    """The row cache's two other paths: a draft saved for one child, then the caseload shown
    (that child is built again); and a service new to the store (rows read from the sealed cache)."""
    from mobile.services.caseload import CaseloadService
    from mobile.services.visits import save_draft
    from synthetic import synthetic_visit

    service = CaseloadService(store=store, clock=lambda: NOW, practitioner_id=load.practitioner_id)
    service.rows()
    rng = random.Random(11)  # noqa: S311 - synthetic data
    after_change, cold = [], []
    for child in rng.sample(load.children, 5 if quick else 20):
        save_draft(uow=store.unit_of_work(), visit=synthetic_visit(rng, load, child))
        started = time.perf_counter()
        service.rows()
        after_change.append((time.perf_counter() - started) * 1000)
    for _ in range(3 if quick else 10):
        fresh = CaseloadService(
            store=store, clock=lambda: NOW, practitioner_id=load.practitioner_id
        )
        started = time.perf_counter()
        fresh.rows()
        cold.append((time.perf_counter() - started) * 1000)
    return after_change, cold


# `seen demo` from start to an unlock screen --------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _demo_start(report: Report, *, quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="seen-bench-demo-") as folder:
        _one_demo_start(report, Path(folder), "fresh data dir")
        if not quick:
            _one_demo_start(report, Path(folder), "data dir reused")


def _one_demo_start(report: Report, data_dir: Path, label: str) -> None:
    from seen_cli.demo import seen_command

    port = _free_port()
    command = seen_command("demo", "--data-dir", str(data_dir), "--port", str(port),
                           "--server-port", str(_free_port()))  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        url = _ready_line(process)
        report(f"demo start to ready line ({label})", time.perf_counter() - started, "s")
        unlock = _unlock_screen(url, started)
        if unlock is not None:
            report(f"demo start to usable unlock screen ({label})", unlock, "s")
    finally:
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl+C: the demo stops both its groups
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _ready_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("Open http"):
            return line.split()[1]
    raise RuntimeError(f"seen demo ended before it was ready (exit {process.wait()})")


def _unlock_screen(url: str, started: float) -> float | None:
    """Seconds from `started` until the Unlock button is in the browser's accessibility tree."""
    if not Path(CHROMIUM).exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with (
        tempfile.TemporaryDirectory(prefix="seen-bench-chromium-") as profile,
        sync_playwright() as pw,
    ):
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 412, "height": 915},
        )  # fmt: skip
        try:
            page = ctx.pages[0]
            page.goto(url)
            placeholder = page.locator("flt-semantics-placeholder")
            placeholder.wait_for(state="attached", timeout=60_000)
            placeholder.evaluate("e => e.click()")
            page.get_by_role("button", name="Unlock").wait_for(timeout=60_000)
            return time.perf_counter() - started
        finally:
            ctx.close()
