"""What every service shares: the caller (Actor), scope, the org change log, audit, and Refusal
(the answer refusing a request, with a stable code from sync.protocol's catalogue)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from sync import protocol
from sync.server.db import insert_rows
from sync.server.tables import AuditEventRow, ChangeRow, OrgSeqRow, table_of

__all__ = [
    "Actor",
    "AuditLog",
    "ChangeDraft",
    "ChildLike",
    "OrgLog",
    "Refusal",
    "StaffRole",
    "child_in_scope",
]


class StaffRole(StrEnum):
    SOCIAL_WORKER = "SOCIAL_WORKER"
    HEALTH_VISITOR = "HEALTH_VISITOR"
    MANAGER = "MANAGER"  # sees the whole team's caseload
    DUTY = "DUTY"  # the duty worker: the organisation's duty view in the console
    ADMIN = "ADMIN"  # administers the central record; holds no caseload


class Refusal(Exception):
    """The central record refuses a request: a stable code from sync.protocol's catalogue and
    what to do next in plain words, answered as ErrorBody{code, detail} with the code's HTTP
    status (by the API) or shown as the message (by the admin commands)."""

    def __init__(self, code: str, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.status = protocol.STATUS_OF.get(code, 400)
        self.headers = headers or {}


@dataclass(frozen=True)
class Actor:
    """The authenticated caller: one enrolled device of one practitioner, or (device_id None)
    a manager or duty worker signed in to the console."""

    device_id: UUID | None
    practitioner_id: UUID
    org_id: str
    role: StaffRole
    team_id: UUID | None
    scope_version: int

    @property
    def is_manager(self) -> bool:
        return self.role == StaffRole.MANAGER and self.team_id is not None


class ChildLike(Protocol):
    """What scope checks and change rows read of a child: a ChildRow, or a push's Core copy."""

    @property
    def child_id(self) -> UUID: ...
    @property
    def org_id(self) -> str: ...
    @property
    def allocated_to(self) -> UUID | None: ...
    @property
    def team_id(self) -> UUID | None: ...
    @property
    def last_visit_at(self) -> datetime | None: ...
    @property
    def last_visit_id(self) -> UUID | None: ...
    @property
    def last_seen_at(self) -> datetime | None: ...
    @property
    def last_seen_visit_id(self) -> UUID | None: ...
    @property
    def next_visit_due(self) -> date | None: ...


def child_in_scope(actor: Actor, child: ChildLike) -> bool:
    """A practitioner sees their allocated children; a manager their team's; a duty worker the
    organisation's."""
    if child.org_id != actor.org_id:
        return False
    if child.allocated_to == actor.practitioner_id or actor.role == StaffRole.DUTY:
        return True  # the duty worker answers for the whole organisation
    return actor.is_manager and child.team_id == actor.team_id


@dataclass
class ChangeDraft:
    kind: str
    entity_id: UUID
    data: dict[str, Any] | None
    child_id: UUID | None = None
    deleted: bool = False
    practitioner_id: UUID | None = None
    team_id: UUID | None = None

    @classmethod
    def for_child(
        cls, child: ChildLike, kind: str, entity_id: UUID, data: dict[str, Any] | None
    ) -> ChangeDraft:
        return cls(kind, entity_id, data, child.child_id, False, child.allocated_to, child.team_id)


class OrgLog:
    """The org's change counter, locked for the rest of the writing transaction.

    `UPDATE org_seq SET n = n ... RETURNING n` takes the row lock first thing, so the numbers this
    transaction hands out are above every committed number and below every number a later
    transaction can get: change numbers follow commit order and a reader never skips a row.
    """

    def __init__(self, session: Session, org_id: str) -> None:
        self.session = session
        self.org_id = org_id
        table = table_of(OrgSeqRow)
        start = session.execute(
            sa.update(table)
            .where(table.c.org_id == org_id)
            .values(n=table.c.n)
            .returning(table.c.n)
        ).scalar_one_or_none()
        if start is None:
            raise Refusal(protocol.NOT_FOUND, "This organisation is not on the central record.")
        self.start: int = start
        self.n: int = start
        self._rows: list[dict[str, Any]] = []

    def add(self, drafts: Iterable[ChangeDraft]) -> int:
        """Number the drafts (those with an audience) and buffer them; returns the last number."""
        for d in drafts:
            if d.practitioner_id is None and d.team_id is None:
                continue
            self.n += 1
            self._rows.append(
                {
                    "org_id": self.org_id,
                    "seq": self.n,
                    "kind": d.kind,
                    "entity_id": d.entity_id,
                    "child_id": d.child_id,
                    "deleted": d.deleted,
                    "data": d.data,
                    "practitioner_id": d.practitioner_id,
                    "team_id": d.team_id,
                }
            )
        return self.n

    def flush(self) -> None:
        if self._rows:
            insert_rows(self.session, table_of(ChangeRow), _latest_only(self._rows))
            self._rows = []
        if self.n != self.start:
            table = table_of(OrgSeqRow)
            self.session.execute(
                sa.update(table).where(table.c.org_id == self.org_id).values(n=self.n)
            )
            self.start = self.n


def _latest_only(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of one transaction without those a later row of it supersedes (same kind, entity,
    child and audience): a child visited twice in one push gets one 'seen' row, its state after
    both. This is compact_changes' rule, applied before the rows are ever visible; the numbers
    of the dropped rows are gaps, which no cursor minds."""
    latest: dict[tuple[Any, ...], int] = {}
    for i, r in enumerate(rows):
        latest[(r["kind"], r["entity_id"], r["child_id"], r["practitioner_id"], r["team_id"])] = i
    if len(latest) == len(rows):
        return rows
    return [rows[i] for i in sorted(latest.values())]


@dataclass
class AuditLog:
    """Buffered audit events, written in the same transaction as what they describe."""

    session: Session
    at: datetime
    actor: Actor | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        action: str,
        *,
        record_id: UUID | None = None,
        child_id: UUID | None = None,
        outcome: str = "ok",
        actor: Actor | None = None,
        org_id: str | None = None,
        practitioner_id: UUID | None = None,
        device_id: UUID | None = None,
    ) -> None:
        who = actor or self.actor
        self.rows.append(
            {
                "at": self.at,
                "org_id": who.org_id if who else org_id,
                "practitioner_id": who.practitioner_id if who else practitioner_id,
                "device_id": who.device_id if who else device_id,
                "action": action,
                "record_id": record_id,
                "child_id": child_id,
                "outcome": outcome,
            }
        )

    def flush(self) -> None:
        if self.rows:
            insert_rows(self.session, table_of(AuditEventRow), self.rows)
            self.rows = []
