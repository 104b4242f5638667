"""Helpers for the flags API tests: a caller's requests, a team B manager, visits that raise
flags, and a practitioner's flag feed."""

from __future__ import annotations

import json
import random
from datetime import datetime
from typing import Any
from uuid import UUID

from models.caseload import Child
from models.enums import ConsultationMechanism, YesNo
from models.receipt import ReceiptStatus
from models.visit import Visit
from sync.client import SyncClient
from sync.protocol import ChangeKind
from sync.server import services as sv
from sync.server.services import StaffRole
from synthetic import synthetic_visit
from tests.sync.helpers import ORG, Practitioner, World, visit_item

__all__ = ["Api", "feed_flags", "push", "team_b_manager", "visit_at"]


class Api:
    """One practitioner's enrolled device, calling the flags API over the in-process app."""

    def __init__(self, world: World, who: Practitioner) -> None:
        self.world = world
        self.device: SyncClient = world.device(who)
        self.headers = world.headers(self.device)

    def send(self, method: str, url: str, body: Any = None) -> Any:
        # ASCII JSON: a lone surrogate travels escaped, as an attacker would send it
        text = None if body is None else json.dumps(body, ensure_ascii=True)
        headers = self.headers | {"Content-Type": "application/json"}
        return self.world.http.request(method, url, content=text, headers=headers)

    def get(self, url: str, **params: Any) -> Any:
        return self.world.http.get(url, params=params, headers=self.headers)

    def team(self, team_id: UUID, **params: Any) -> Any:
        return self.get(f"/v1/teams/{team_id}/flags", **params)

    def act(self, flag_id: UUID | str, verb: str, note: str | None = None) -> Any:
        return self.send(
            "POST", f"/v1/flags/{flag_id}/{verb}", None if note is None else {"note": note}
        )

    def oversight(self, child_id: UUID) -> Any:
        return self.get(f"/v1/children/{child_id}/oversight")

    def assess(self, child_id: UUID, person_id: UUID, assessed: str, note: str = "") -> Any:
        url = f"/v1/children/{child_id}/people/{person_id}/assessment"
        return self.send("PUT", url, {"assessed": assessed, "note": note})


def team_b_manager(world: World) -> Practitioner:
    who = Practitioner(sv.create_practitioner(
        db=world.db, org_id=ORG, display_name="Manager B (synthetic)", role=StaffRole.MANAGER,
        team_id=world.team_b, now=world.clock(),
    ))  # fmt: skip
    return who


def visit_at(
    world: World, *, seen: bool, at: datetime, seed: int = 1,
    who: Practitioner | None = None, child: Child | None = None,
) -> Visit:  # fmt: skip
    """A synthetic face-to-face visit at `at` to the household of `child` (default: the worker's
    first child) on `who`'s caseload (default: the worker's): every child seen, or `child` not."""
    load = (who or world.worker).load
    assert load is not None
    child = child or load.children[0]
    rng = random.Random(seed)
    for _ in range(500):
        visit = synthetic_visit(rng, load, child)
        first = next(o for o in visit.children if o.child_id == child.child_id)
        face = visit.consultation_mechanism == ConsultationMechanism.FACE_TO_FACE
        everyone = all(o.child_seen == YesNo.YES for o in visit.children)
        if face and (everyone if seen else first.child_seen == YesNo.NO):
            shift = at - (visit.started_at or at)
            visit.started_at = at
            visit.ended_at = visit.ended_at + shift if visit.ended_at else None
            visit.created_on_device_at = at
            return visit
    raise AssertionError("the generator never made such a visit")


def push(world: World, visit: Visit) -> None:
    receipt = world.device(world.worker).push([visit_item(visit, at=world.clock())]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.problems


def feed_flags(world: World, who: Practitioner) -> dict[UUID, Any]:
    """The latest flag change per flag id on `who`'s feed (None once cleared or closed)."""
    out: dict[UUID, Any] = {}
    device, cursor = world.device(who), None
    for _ in range(50):
        page = device.changes(cursor, 1000)
        for c in page.changes:
            if c.kind == ChangeKind.FLAG:
                out[c.entity_id] = None if c.deleted else c.data
        cursor = page.cursor
        if not page.has_more:
            return out
    raise AssertionError("the feed never ended")
