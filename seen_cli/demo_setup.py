"""Setting up the demo: a synthetic caseload at the central record and an enrolled, encrypted
device that has synced it and recorded some past visits (some children not seen)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

from models.lifecycle import IDENTITY_FIELDS

if TYPE_CHECKING:
    from mobile.services.session import AppServices
    from mobile.store import KdfParams
    from synthetic import SyntheticCaseload

__all__ = [
    "CHILDREN",
    "DEMO_CONSOLE_PASSWORD",
    "DEMO_CONSOLE_USERNAME",
    "DEMO_ORG",
    "DEMO_PASSPHRASE",
    "HOUSEHOLDS",
    "SEED",
    "DemoError",
    "DemoState",
    "prepare",
]

# Published with the demo: it protects only synthetic records. It passes the passphrase policy
# for a device with no platform secret (web, desktop): 12+ characters, unrelated words.
DEMO_PASSPHRASE = "demo lantern orbit"  # noqa: S105
# The team manager's console sign-in, published likewise (synthetic records only).
DEMO_CONSOLE_USERNAME = "demo.manager"
DEMO_CONSOLE_PASSWORD = "demo harbour compass"  # noqa: S105
DEMO_ORG = "ORG-DEMO"
CHILDREN, HOUSEHOLDS, SEED = 30, 12, 7
STATE_FILE = "demo.json"
# Days before today of the latest visit to each household (but every fourth, last visited five
# to nine weeks ago). With the rules' visit frequencies, some children are overdue by now.
HISTORY_DAYS = (2, 4, 7, 9, 12, 15, 19, 24, 33)


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
    console_username: str = ""  # "": set up before the demo had a manager's sign-in
    console_password: str = ""

    def save(self, root: Path) -> None:
        (root / STATE_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, root: Path) -> DemoState | None:
        try:
            return cls(**json.loads((root / STATE_FILE).read_text()))
        except (OSError, ValueError, TypeError):
            return None


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
    from synthetic import generate_caseload

    load = generate_caseload(
        seed=seed,
        children=children,
        households=households,
        organisation_id=DEMO_ORG,
        practitioner_role=PractitionerRole.SOCIAL_WORKER,
    )
    code = _seed_central_record(root / "server", load, now=clock(), planned=_quiet_household(load))
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
    state = DemoState(
        str(load.practitioner_id), port, children, households, visits,
        console_username=DEMO_CONSOLE_USERNAME, console_password=DEMO_CONSOLE_PASSWORD,
    )  # fmt: skip
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


def _households(load: SyntheticCaseload) -> list[list[Any]]:
    """The caseload's children by household, in the order the history visits them."""
    homes: dict[UUID | None, list[Any]] = {}
    for child in load.children:
        homes.setdefault(child.household_id, []).append(child)
    return list(homes.values())


def _quiet_household(load: SyntheticCaseload) -> list[UUID]:
    """The children of the first household the history leaves unvisited for five weeks and more
    (every fourth): on a child protection plan, they are overdue on the dashboard."""
    homes = _households(load)
    return [c.child_id for c in homes[3 % len(homes)]] if homes else []


def _seed_central_record(
    server_dir: Path, load: SyntheticCaseload, *, now: datetime, planned: list[UUID]
) -> str:
    """What `seen admin seed-demo` does (an organisation, a team, the social worker holding the
    caseload and their manager), the manager's console sign-in, a child protection plan for the
    `planned` children (started ten weeks ago), then a one-time enrolment code for the worker's
    device."""
    from seen_cli.recovery_key import new_recovery_key_file
    from sync.server import services
    from sync.server.console import auth
    from sync.server.db import Database, migrate
    from sync.server.services.oversight.plans import set_plan
    from sync.server.settings import Settings
    from sync.server.tables import OrganisationRow
    from synthetic.load import load_synthetic_caseload

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
            # The demo organisation's recovery key: its private half beside the server's data,
            # as an organisation would keep it offline (a demo only).
            public = new_recovery_key_file(server_dir / f"recovery-{load.organisation_id}.key")
            services.set_recovery_key(
                db=database, org_id=load.organisation_id, public_key=public, now=now
            )
        team = services.create_team(
            db=database, org_id=load.organisation_id, name="Demo team (synthetic)", now=now
        )
        made = [
            services.create_practitioner(
                db=database, org_id=load.organisation_id, display_name=name, role=role,
                team_id=team, practitioner_id=pid, now=now,
            )
            for name, role, pid in (
                ("Demo social worker (synthetic)", services.StaffRole.SOCIAL_WORKER,
                 load.practitioner_id),
                ("Demo team manager (synthetic)", services.StaffRole.MANAGER, None),
            )
        ]  # fmt: skip
        load_synthetic_caseload(db=database, load=load, now=now)
        auth.create_staff(
            database, org_id=load.organisation_id, practitioner_id=made[1],
            username=DEMO_CONSOLE_USERNAME, password=DEMO_CONSOLE_PASSWORD, totp=False, now=now,
        )  # fmt: skip
        for child_id in planned:
            set_plan(db=database, actor=None, child_id=child_id, service_context="CP_PLAN",
                     started_on=(now - timedelta(weeks=10)).date(), now=now)  # fmt: skip
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
    plan = []
    for n, kids in enumerate(_households(load)):
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
    from models.visit import ChildOutcome, Visit
    from synthetic import synthetic_visit

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
        update={k: getattr(answers, k) for k in Visit.model_fields if k not in IDENTITY_FIELDS}
    )
    services.visits.save_draft(filled)
    services.visits.submit(filled.visit_id)
