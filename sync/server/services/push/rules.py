"""The decisions a push makes, without the database: scope, last seen, the held-item summary a
change feed carries, and the quota on held items (the flags: services/oversight). queries.py reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid5

from models.receipt import Receipt, ReceiptStatus
from models.visit import Visit
from sync import protocol
from sync.server.services.common import Actor, child_in_scope
from sync.server.services.push.intake import Held, rejected

__all__ = [
    "HELD_QUOTA_WINDOW",
    "Accepted",
    "ChildState",
    "Latest",
    "held_receipt",
    "quarantine_full",
    "quarantine_summary_id",
    "scope_problem",
    "see",
    "unknown_child",
]

_QUARANTINE_NS = UUID("0b6f8f0e-7a51-4a0c-9d8e-2f6a3c1b5e47")
HELD_QUOTA_WINDOW = timedelta(days=1)  # Settings.held_per_device_per_day counts over this


@dataclass
class ChildState:
    """A child's row as a push needs it (scope, last visited and seen), read and written with Core
    statements; `changed` ones are written back in one executemany UPDATE before the commit."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "child_id", "org_id", "allocated_to", "team_id", "last_visit_at", "last_visit_id",
        "last_seen_at", "last_seen_visit_id", "next_visit_due",
    )  # fmt: skip
    child_id: UUID
    org_id: str
    allocated_to: UUID | None
    team_id: UUID | None
    last_visit_at: datetime | None
    last_visit_id: UUID | None
    last_seen_at: datetime | None
    last_seen_visit_id: UUID | None
    next_visit_due: date | None
    changed: bool = False


@dataclass(frozen=True)
class Latest:
    """The latest revision of a visit: its stored body, or the Visit accepted earlier in this batch."""

    revision: int
    body: dict[str, Any] | None = None
    visit: Visit | None = None

    def shape(self) -> Visit:
        return self.visit if self.visit is not None else Visit.model_validate(self.body)


@dataclass(frozen=True)
class Accepted:
    receipt_id: UUID
    record_id: UUID
    revision: int
    content_hash: str
    server_seq: int
    received_at: datetime


def held_receipt(row: Any) -> Receipt:
    """The receipt of a held item (a QuarantineRow, or a row of its receipt columns)."""
    return Receipt(
        record_id=row.record_id,
        revision=row.revision,
        status=ReceiptStatus(row.status),
        receipt_id=row.receipt_id,
        server_seq=row.server_seq,
        received_at=row.received_at,
        code=row.code,
        problems=list(row.problems),
    )


def scope_problem(
    actor: Actor, children: Mapping[UUID, ChildState], child_ids: Iterable[UUID], what: str
) -> Held | None:
    """Every child a record names must be the caller's organisation's (`children` holds only
    those) and in the caller's scope: the same check for a first revision and every amendment."""
    ids = list(child_ids)
    unknown = unknown_child(children, ids, what)
    if unknown is not None:
        return unknown
    for child_id in ids:
        child = children[child_id]
        if not child_in_scope(actor, child):  # checks the organisation too
            return rejected(
                protocol.RECORD_FORBIDDEN,
                f"{what} names a child who is not on your caseload. Tell your manager: it is kept.",
            )
    return None


def unknown_child(
    children: Mapping[UUID, ChildState], child_ids: Iterable[UUID], what: str
) -> Held | None:
    """A child the caller's organisation does not hold (`children` holds only its own)."""
    if all(c in children for c in child_ids):
        return None
    return rejected(
        protocol.RECORD_UNKNOWN_CHILD,
        f"{what} names a child the central record does not hold. Tell your manager: it is kept.",
    )


def see(child: ChildState, visit: Visit, *, seen: bool, latest: datetime) -> bool:
    """Move the child's last visited (and, if seen face to face, last seen) to this visit when it
    is the latest contact not in the future. A date already after `latest` (kept from before
    future-dated visits were refused) never pins it. True when something changed."""
    started = visit.started_at
    if started is None or started > latest:
        return False

    def later(current: datetime | None) -> bool:
        return current is None or current > latest or started >= current

    changed = False
    if later(child.last_visit_at):
        child.last_visit_at, child.last_visit_id = started, visit.visit_id
        if visit.next_visit_due is not None:
            child.next_visit_due = visit.next_visit_due
        changed = True
    if seen and later(child.last_seen_at):
        child.last_seen_at, child.last_seen_visit_id = started, visit.visit_id
        changed = True
    return changed


def quarantine_summary_id(device_id: UUID, record_id: UUID) -> UUID:
    """The change-feed entity summarising every item of one record held from one device: a
    later held item supersedes the earlier row (in the push, and when the log is compacted)."""
    return uuid5(_QUARANTINE_NS, f"{device_id}:{record_id}")


def quarantine_full(limit: int) -> Held:
    """Beyond the per-device quota of held items: refused, not stored. The device keeps the
    record in its own quarantine, so nothing is lost."""
    return rejected(
        protocol.SYNC_QUARANTINE_FULL,
        f"The central record has held {limit} records from this device today that it could "
        "not accept. This one is kept on the device: tell your manager, who can check the "
        "device before anything more is sent.",
    )
