"""Amendments: a submitted record is never overwritten; a correction is a new record with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from models.base import MAX_REVISION, Shape

__all__ = ["Amendment", "FieldChange"]


class FieldChange(Shape):
    # A dotted path into the visit: "announced", "children.0.voice.wishes_and_feelings".
    field_path: str
    old_value: Any = None  # kept: the original is never lost
    new_value: Any = None


class Amendment(Shape):
    amendment_id: UUID
    amends_visit_id: UUID
    # The revision this builds on: a stale base is a conflict.
    amends_revision: int = Field(ge=1, le=MAX_REVISION - 1)
    changes: list[FieldChange] = Field(default_factory=list)
    reason: str = ""
    author_id: UUID
    device_id: UUID | None = None
    at: datetime
    recorded_late_reason: str = ""
