"""The review queue's outcomes and the tasks it sends back. A review row says what a manager or
duty worker decided about one item (signed off, or back to the worker) with their note; a task
row is the "back to the worker" with what to do, carried to the worker's device by the change
feed until it is done. Neither replaces what it is about: a held record stays held, its body
kept, and is marked resolved."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from sync.server.columns import time_field
from sync.server.tables.base import ServerTable

__all__ = ["ReviewRow", "TaskRow"]


class ReviewRow(ServerTable, table=True):
    __tablename__ = "review_outcome"
    __table_args__ = (sa.Index("ix_review_outcome_item", "org_id", "item_kind", "item_id"),)
    review_id: UUID = Field(primary_key=True)
    org_id: str = Field(foreign_key="organisation.org_id", max_length=64)
    item_kind: str = Field(max_length=20)  # visit | escalation | conflict | rejected
    item_id: UUID  # the flag, escalation or held item (quarantine receipt)
    child_id: UUID | None = None
    outcome: str = Field(max_length=20)  # signed_off | back_to_worker
    note: str = Field(max_length=4000)
    by_practitioner_id: UUID
    at: datetime = time_field()


class TaskRow(ServerTable, table=True):
    __tablename__ = "task"
    org_id: str = Field(primary_key=True, foreign_key="organisation.org_id", max_length=64)
    task_id: UUID = Field(primary_key=True)
    child_id: UUID = Field(index=True)
    practitioner_id: UUID  # the worker it is for
    about: str = Field(max_length=20)
    about_id: UUID
    what_to_do: str = Field(max_length=4000)
    set_by: UUID
    set_at: datetime = time_field()
    done_at: datetime | None = time_field(nullable=True)  # when the worker says (their device)
    done_note: str | None = Field(default=None, max_length=4000)  # what they did, their words
