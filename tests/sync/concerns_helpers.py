"""Helpers for the concerns API tests: a signed-in caller, a concern request, a second org."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sync.client import SyncClient
from sync.server import services as sv
from sync.server.services import StaffRole
from synthetic import generate_caseload
from synthetic.load import load_synthetic_caseload
from tests.sync.helpers import Practitioner, World

GRANDMOTHER = "Nanna Testwell (synthetic)"
PHONE = "07700 900 000 (synthetic)"


class Caller:
    """One practitioner's enrolled device, calling the API over the in-process app."""

    def __init__(self, world: World, who: Practitioner) -> None:
        self.world = world
        self.device: SyncClient = world.device(who)
        self.headers = world.headers(self.device)

    def post(self, url: str, body: Any) -> Any:
        # ASCII JSON: a lone surrogate travels escaped, as an attacker would send it
        text = json.dumps(body, ensure_ascii=True)
        headers = self.headers | {"Content-Type": "application/json"}
        return self.world.http.post(url, content=text, headers=headers)

    def get(self, url: str, **params: Any) -> Any:
        return self.world.http.get(url, params=params, headers=self.headers)

    def record(self, child_ids: list[UUID], **kw: Any) -> Any:
        return self.post("/v1/concerns", concern_body(self.world, child_ids, **kw))

    def acknowledge(self, concern_id: UUID | str, action: str) -> Any:
        return self.post(f"/v1/concerns/{concern_id}/acknowledge", {"action_taken": action})


def concern_body(
    world: World,
    child_ids: list[UUID],
    *,
    reporter_id: UUID | str | None = None,
    confidential: bool = False,
    received_at: datetime | None = None,
    content: str = "Grandmother phoned: the child had a bruise on his arm (synthetic).",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "PHONE",
        "received_at": (received_at or world.clock() - timedelta(hours=1)).isoformat(),
        "content": content,
        "children_concerned": [str(c) for c in child_ids],
    }
    if reporter_id is not None:
        body["reporter_id"] = str(reporter_id)
    else:
        body["reporter"] = {
            "name": GRANDMOTHER,
            "relationship": "GRANDPARENT",
            "relationship_notes": "paternal grandmother",
            "contact": PHONE,
            "confidential_identity": confidential,
        }
    return body


def other_organisation(world: World) -> Practitioner:
    """A second organisation with one worker and a synthetic caseload."""
    now = world.clock()
    org = "ORG-OTHER"
    sv.create_organisation(db=world.db, org_id=org, name="Other organisation (synthetic)", now=now)
    team = sv.create_team(db=world.db, org_id=org, name="Other team (synthetic)", now=now)
    load = generate_caseload(seed=31, children=2, households=1, organisation_id=org)
    sv.create_practitioner(
        db=world.db,
        org_id=org,
        display_name="Other worker (synthetic)",
        role=StaffRole.SOCIAL_WORKER,
        team_id=team,
        practitioner_id=load.practitioner_id,
        now=now,
    )
    load_synthetic_caseload(db=world.db, load=load, now=now)
    return Practitioner(load.practitioner_id, load)
