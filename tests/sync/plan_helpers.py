"""Helpers for the plan and decision tests: a worker's child, the API's addresses, a clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sync.client import SyncClient
from tests.sync.helpers import World

__all__ = ["at", "child_of", "decisions_url", "plan_url", "put_plan"]


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def child_of(world: World) -> UUID:
    load = world.worker.load
    assert load is not None
    return load.children[0].child_id


def plan_url(child_id: UUID) -> str:
    return f"/v1/children/{child_id}/plan"


def decisions_url(child_id: UUID) -> str:
    return f"/v1/children/{child_id}/decisions"


def put_plan(world: World, device: SyncClient, child_id: UUID, **body: Any) -> Any:
    body.setdefault("service_context", "CP_PLAN")
    return world.http.put(plan_url(child_id), json=body, headers=world.headers(device))
