"""`seen demo`: the central record and the app, each in its own process group, over a synthetic
caseload already on an enrolled, encrypted device. Everything stays on 127.0.0.1; no CDN.

    <data_dir>/server/     the central record's embedded SQLite file (`seen server`)
    <data_dir>/device/     the device's encrypted store (`seen app --web`)
    <data_dir>/logs/       server.log and app.log
    <data_dir>/demo.json   what was set up (no secrets beyond the published demo passphrase);
                           written last, so a data dir without it is set up again from clean

Re-running with the same data dir reuses it; `fresh=True` starts clean. For tests and benchmarks:
`server_process()` and `app_process()` start one part each (stop and start them separately),
`prepare()` seeds, enrols and syncs, and `start_demo()` does all three.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

if TYPE_CHECKING:
    from mobile.services.session import AppServices
    from mobile.store import KdfParams
    from models.synthetic import SyntheticCaseload

__all__ = [
    "DEMO_PASSPHRASE",
    "Background",
    "DemoError",
    "DemoState",
    "RunningDemo",
    "app_process",
    "prepare",
    "run_demo",
    "server_process",
    "start_demo",
]

log = logging.getLogger(__name__)

# Published with the demo: it protects only synthetic records. It passes the passphrase policy
# for a device with no platform secret (web, desktop): 12+ characters, unrelated words.
DEMO_PASSPHRASE = "demo lantern orbit"  # noqa: S105
DEMO_ORG = "ORG-DEMO"
CHILDREN, HOUSEHOLDS, SEED = 30, 12, 7
STATE_FILE = "demo.json"
HOST = "127.0.0.1"
# Days before today of the latest visit to each household (but every fourth, last visited five
# to nine weeks ago). With the rules' visit frequencies, some children are overdue by now.
HISTORY_DAYS = (2, 4, 7, 9, 12, 15, 19, 24, 33)
_IDENTITY = frozenset({
    "visit_id", "organisation_id", "practitioner_id", "practitioner_role", "device_id",
    "app_version", "created_on_device_at", "status", "revision", "submitted_at",
})  # fmt: skip


class DemoError(click.ClickException):
    """The demo could not start: the message says what to do."""


@dataclass(frozen=True)
class DemoState:
    practitioner_id: str
    server_port: int
    children: int
    households: int
    visits_on_device: int
    passphrase: str = DEMO_PASSPHRASE

    def save(self, root: Path) -> None:
        (root / STATE_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, root: Path) -> DemoState | None:
        try:
            return cls(**json.loads((root / STATE_FILE).read_text()))
        except (OSError, ValueError, TypeError):
            return None


# Processes -------------------------------------------------------------------------------------
def seen_command(*args: str) -> list[str]:
    """`seen <args>` with this interpreter's environment (the console script when installed)."""
    script = Path(sys.executable).with_name("seen")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from seen_cli.main import cli; cli()", *args]


class Background:
    """A command in its own process group: stop() ends the whole group (a web server's workers
    included), and start() may be called again after stop()."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        log_path: Path,
        ready_url: str,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.log_path = log_path
        self.ready_url = ready_url
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> Background:
        if self.running:
            return self
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                self.command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise DemoError(
                    f"The {self.name} stopped while starting. The end of {self.log_path}:\n"
                    + _tail(self.log_path)
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.ready_url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.05)
        raise DemoError(
            f"The {self.name} did not answer within {timeout:.0f} s: see {self.log_path}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _clean_env(*drop: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in drop}


def server_process(root: Path, port: int) -> Background:
    """The central record (`seen server`) on the embedded SQLite file in <root>/server."""
    return Background(
        "central record",
        seen_command("server", "--data-dir", str(root / "server"), "--host", HOST,
                     "--port", str(port)),
        log_path=root / "logs" / "server.log",
        ready_url=f"http://{HOST}:{port}/healthz",
        env=_clean_env("SEEN_DATABASE_URL"),  # the demo is always the embedded SQLite file
    )  # fmt: skip


def app_process(root: Path, port: int) -> Background:
    """The practitioner app in web mode (`seen app --web`, offline assets) over <root>/device."""
    return Background(
        "app",
        seen_command("app", "--web", "--port", str(port), "--data-dir", str(root / "device")),
        log_path=root / "logs" / "app.log",
        ready_url=f"http://{HOST}:{port}/",
        env=_clean_env("FLET_APP_STORAGE_DATA"),  # it would override --data-dir
    )


# Setting up ------------------------------------------------------------------------------------
def prepare(
    root: Path,
    *,
    server_url: str,
    children: int = CHILDREN,
    households: int = HOUSEHOLDS,
    seed: int = SEED,
    kdf_params: KdfParams | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DemoState:
    """Seed a synthetic caseload at the central record (its server running at `server_url`),
    enrol <root>/device for its social worker under DEMO_PASSPHRASE, sync, record some past
    visits on the device (some children not seen), and sync again."""
    from mobile.services.session import Session
    from models.enums import PractitionerRole
    from models.synthetic import generate_caseload

    load = generate_caseload(
        seed=seed,
        children=children,
        households=households,
        organisation_id=DEMO_ORG,
        practitioner_role=PractitionerRole.SOCIAL_WORKER,
    )
    code = _seed_central_record(root / "server", load, now=clock())
    http = _Http()
    session = Session(
        data_dir=root / "device", clock=clock, connect=http.connect, kdf_params=kdf_params
    )
    try:
        session.enrol(server_url=server_url, code=code, passphrase=DEMO_PASSPHRASE)
        services = session.services()
        _sync(services)
        visits = _record_history(services, load, now=clock(), rng=random.Random(seed))  # noqa: S311
        _sync(services)
    finally:
        session.close()
        http.close()
    port = int(server_url.rsplit(":", 1)[1].strip("/"))
    state = DemoState(str(load.practitioner_id), port, children, households, visits)
    state.save(root)
    return state


class _Http:
    """One HTTP connection pool for the demo device's syncs, closed when set-up ends."""

    def __init__(self) -> None:
        self._client: Any = None

    def connect(self, url: str, credential: str | None) -> Any:
        import httpx

        from sync.client import SyncClient

        if self._client is None:
            self._client = httpx.Client(base_url=url)
        return SyncClient(self._client, credential=credential, max_attempts=3)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _sync(services: AppServices) -> None:
    progress = services.sync.sync_now()
    if progress.last_error or progress.pending:
        raise DemoError(f"The demo device could not sync: {progress.last_error or 'pending'}")


def _seed_central_record(server_dir: Path, load: SyntheticCaseload, *, now: datetime) -> str:
    """What `seen admin seed-demo` does (an organisation, a team, the social worker holding the
    caseload and their manager), then a one-time enrolment code for the worker's device."""
    from sync.server import services
    from sync.server.db import Database, migrate
    from sync.server.settings import Settings
    from sync.server.tables import OrganisationRow

    database = Database(Settings.for_data_dir(server_dir).database_url)
    try:
        migrate(database)
        with database.read() as s:
            exists = s.get(OrganisationRow, load.organisation_id) is not None
        if not exists:
            services.create_organisation(
                db=database, org_id=load.organisation_id, name="Demo organisation (synthetic)",
                now=now,
            )  # fmt: skip
        team = services.create_team(
            db=database, org_id=load.organisation_id, name="Demo team (synthetic)", now=now
        )
        for name, role, pid in (
            ("Demo social worker (synthetic)", services.StaffRole.SOCIAL_WORKER,
             load.practitioner_id),
            ("Demo team manager (synthetic)", services.StaffRole.MANAGER, None),
        ):  # fmt: skip
            services.create_practitioner(
                db=database, org_id=load.organisation_id, display_name=name, role=role,
                team_id=team, practitioner_id=pid, now=now,
            )  # fmt: skip
        services.load_caseload(
            db=database,
            org_id=load.organisation_id,
            households=load.households,
            people=load.people,
            children=load.children,
            restrictions=load.restrictions,
            concerns=load.concerns,
            now=now,
        )
        code, _ = services.issue_enrolment_code(
            db=database, practitioner_id=load.practitioner_id, now=now, ttl=timedelta(hours=1)
        )
        return str(code)
    finally:
        database.dispose()


def _record_history(
    services: AppServices, load: SyntheticCaseload, *, now: datetime, rng: random.Random
) -> int:
    """Past visits recorded on this device through the visit service, as a practitioner's phone
    would hold them: every household visited five to nine weeks ago, most again recently; at a
    few recent visits the youngest child was not seen. Some children are overdue by now."""
    homes: dict[UUID | None, list[Any]] = {}
    for child in load.children:
        homes.setdefault(child.household_id, []).append(child)
    plan = []
    for n, kids in enumerate(homes.values()):
        plan.append((35 + (n * 11) % 28, kids, False, True))
        if n % 4 != 3:  # every fourth household: no visit since
            plan.append((HISTORY_DAYS[n % len(HISTORY_DAYS)], kids, n % 3 == 1, False))
    for days, kids, youngest_not_seen, everyone in sorted(plan, key=lambda item: -item[0]):
        _record_visit(
            services, load, kids[0], now - timedelta(days=days), youngest_not_seen, rng,
            everyone_seen=everyone,
        )  # fmt: skip
    return len(plan)


def _record_visit(
    services: AppServices,
    load: SyntheticCaseload,
    child: Any,
    day: datetime,
    youngest_not_seen: bool,
    rng: random.Random,
    *,
    everyone_seen: bool,
) -> None:
    from models.enums import ReasonNotSeen, VisitOutcome, YesNo
    from models.synthetic import synthetic_visit
    from models.visit import ChildOutcome, Visit

    for _ in range(50):  # the whole household, answered; at an older visit everyone was seen
        answers = synthetic_visit(rng, load, child)
        if not everyone_seen or all(c.child_seen == YesNo.YES for c in answers.children):
            break
    started = day.replace(hour=10, minute=0, second=0, microsecond=0)
    answers.started_at, answers.ended_at = started, started + timedelta(minutes=50)
    answers.next_visit_due = (started + timedelta(days=14)).date()
    if youngest_not_seen and len(answers.children) > 1:
        last = answers.children[-1]
        answers.children[-1] = ChildOutcome(
            child_id=last.child_id,
            date_of_birth=last.date_of_birth,
            nhs_number=last.nhs_number,
            child_seen=YesNo.NO,
            reason_not_seen=ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY,
        )
        answers.visit_outcome = VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN
    draft = services.visits.start(child_ids=[c.child_id for c in answers.children])
    filled = draft.model_copy(
        update={k: getattr(answers, k) for k in Visit.model_fields if k not in _IDENTITY}
    )
    services.visits.save_draft(filled)
    services.visits.submit(filled.visit_id)


# Running ---------------------------------------------------------------------------------------
@dataclass
class RunningDemo:
    root: Path
    server: Background
    app: Background
    state: DemoState
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def server_url(self) -> str:
        return f"http://{HOST}:{self.state.server_port}"

    def stop(self) -> None:
        self.app.stop()
        self.server.stop()


def reusable_state(root: Path) -> DemoState | None:
    """The demo set up in `root` by an earlier run, if it finished setting up."""
    from mobile.store import DeviceStore

    state = DemoState.load(root)
    if state is None or not DeviceStore.is_set_up(root / "device"):
        return None
    return state


def clear(root: Path) -> None:
    """Remove what the demo made in `root` (only that: `root` may hold other things)."""
    for name in ("server", "device", "logs"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / STATE_FILE).unlink(missing_ok=True)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def start_demo(
    root: Path,
    *,
    port: int,
    server_port: int,
    fresh: bool = False,
    kdf_params: KdfParams | None = None,
    on_progress: Callable[[str], None] = lambda _line: None,
) -> RunningDemo:
    """Both processes started, the caseload on the device: ready to unlock in a browser."""
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    state = None if fresh else reusable_state(root)
    if state is None:
        clear(root)
    elif state.server_port != server_port:
        on_progress(
            f"This demo's device knows the central record at port {state.server_port}: using it "
            "(start with a fresh data dir to change it)."
        )
        server_port = state.server_port
    for what, wanted in (("app", port), ("central record", server_port)):
        if not _port_free(wanted):
            raise DemoError(
                f"Port {wanted} (for the {what}) is in use: stop whatever uses it, or choose "
                "another port (seen demo --port / --server-port)."
            )
    server = server_process(root, server_port).start()
    app = app_process(root, port).start()  # boots while the device is set up; opened later
    try:
        server.wait_ready()
        if state is None:
            on_progress("Setting up the synthetic caseload and the demo device...")
            state = prepare(root, server_url=f"http://{HOST}:{server_port}", kdf_params=kdf_params)
        else:
            on_progress(f"Reusing the demo in {root}.")
        app.wait_ready()
    except BaseException:
        app.stop()
        server.stop()
        raise
    return RunningDemo(root, server, app, state, port)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl+C, SIGTERM and SIGHUP stop both process groups. (SIGINT too is set here: a shell
    starting the demo in the background leaves it ignored.)"""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_demo(*, data_dir: str, port: int, server_port: int, fresh: bool = False) -> None:
    started = time.monotonic()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise here
    with _stop_on_signals():
        try:
            demo = start_demo(
                Path(data_dir), port=port, server_port=server_port, fresh=fresh,
                on_progress=click.echo,
            )  # fmt: skip
        except KeyboardInterrupt:
            click.echo("Stopped.")
            return
        try:
            click.echo(
                f"\nSeen & Heard demo: ready in {time.monotonic() - started:.1f} s\n"
                f"  Open {demo.url} in a browser\n"
                f"  Passphrase: {demo.state.passphrase}\n"
                f"  Central record: {demo.server_url} (SQLite in {demo.root / 'server'})\n"
                f"  Synthetic caseload: {demo.state.children} children in "
                f"{demo.state.households} households; logs in {demo.root / 'logs'}\n"
                "Press Ctrl+C to stop both.",
            )
            while demo.server.running and demo.app.running:
                time.sleep(0.5)
            gone = demo.server if not demo.server.running else demo.app
            raise DemoError(
                f"The {gone.name} stopped. The end of {gone.log_path}:\n{_tail(gone.log_path)}"
            )
        except KeyboardInterrupt:
            click.echo("\nStopping the app and the central record...")
        finally:
            demo.stop()
