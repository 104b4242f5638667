"""A console test's world: the sync World, console accounts, a client per person (https, so
the Secure cookies travel as in a browser), and the forms' CSRF tokens read off the pages."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

from models.flags import FlagKind
from sync.protocol_oversight import FlagData
from sync.server import services as sv
from sync.server.console import auth
from sync.server.services import StaffRole
from sync.server.tables import ChildRow, FlagRow, table_of
from tests.sync.helpers import ORG, TestClient, World

PASSWORD = "correct horse battery staple"  # synthetic
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page: httpx.Response) -> str:
    found = _TOKEN.search(page.text)
    assert found, "the page has no form token"
    return found.group(1)


@dataclass
class Console:
    world: World
    manager_account: UUID
    duty_id: UUID

    @property
    def db(self) -> Any:
        return self.world.db

    def client(self, base_url: str = "https://testserver") -> TestClient:
        return TestClient(self.world.app, base_url=base_url)

    def sign_in(
        self, client: TestClient, username: str = "manager.a", password: str = PASSWORD
    ) -> httpx.Response:
        form = client.get("/console/sign-in")
        data = {"csrf_token": token(form), "org_id": ORG, "username": username}
        return client.post("/console/sign-in", data={**data, "password": password})

    def signed_in(self, username: str = "manager.a") -> TestClient:
        client = self.client()
        page = self.sign_in(client, username)
        assert page.status_code == 200 and "Signed in as" in page.text, page.text
        return client

    def child_of_team(self, team: UUID) -> UUID:
        t = table_of(ChildRow)
        with self.db.read() as s:
            child_id: UUID = s.execute(
                t.select().with_only_columns(t.c.child_id).where(t.c.team_id == team).limit(1)
            ).scalar_one()
        return child_id

    def flag(
        self, child_id: UUID, *, kind: str = "child_not_seen", urgency: str = "urgent"
    ) -> UUID:
        now: datetime = self.world.clock()
        flag_id = uuid.uuid4()
        data = FlagData(
            flag=FlagKind(kind), child_id=child_id, urgency=urgency, since=now, raised_at=now,
            why="Not seen at the visit on 2 March (synthetic).", clears="A visit that sees them.",
            act_by="manager",
        )  # fmt: skip
        with self.db.write() as s:
            s.add(
                FlagRow(
                    org_id=ORG,
                    flag_id=flag_id,
                    child_id=child_id,
                    kind=kind,
                    urgency=urgency,
                    status="open",
                    condition_active=True,
                    since=now,
                    raised_at=now,
                    updated_at=now,
                    data=data.model_dump(mode="json"),
                )
            )
        return flag_id


def make_console(world: World) -> Console:
    now = world.clock()
    made = auth.create_staff(
        world.db,
        org_id=ORG,
        practitioner_id=world.manager.practitioner_id,
        username="Manager.A",
        password=PASSWORD,
        totp=False,
        now=now,
    )
    duty_id = sv.create_practitioner(
        db=world.db, org_id=ORG, display_name="Duty (synthetic)", role=StaffRole.DUTY, now=now
    )
    auth.create_staff(
        world.db,
        org_id=ORG,
        practitioner_id=duty_id,
        username="duty",
        password=PASSWORD,
        totp=False,
        now=now,
    )
    return Console(world, made.account_id, duty_id)
