"""The decisions a push makes, without the database: scope, last seen, flags, the held-item
summary a change feed carries, and the quota on held items. push.py reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Protocol
from uuid import UUID, uuid5

from models.enums import CarerRole, ReasonNotSeenAlone, SafeguardingConcernNow, YesNo
from models.receipt import Receipt, ReceiptStatus
from models.visit import Visit
from sync import protocol
from sync.protocol import FlagData, FlagKind
from sync.server.services.common import Actor, child_in_scope
from sync.server.services.intake import Held, rejected

__all__ = [
    "HELD_QUOTA_WINDOW",
    "Accepted",
    "ChildState",
    "Latest",
    "RestrictionLike",
    "held_receipt",
    "quarantine_full",
    "quarantine_summary_id",
    "scope_problem",
    "see",
    "unknown_child",
    "visit_flags",
]

_FLAG_NS = UUID("6f1d3a52-8c3e-4c36-9a43-54c3b9c1d7a1")
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


class RestrictionLike(Protocol):
    @property
    def restriction_id(self) -> UUID: ...
    @property
    def child_id(self) -> UUID: ...
    @property
    def data(self) -> dict[str, Any]: ...


def visit_flags(
    visit: Visit,
    children: Mapping[UUID, ChildState],
    restrictions: Mapping[UUID, Sequence[RestrictionLike]],
) -> dict[UUID, tuple[ChildState, dict[str, Any]]]:
    """What a manager (and the allocated worker) must see about this visit, by a flag id stable
    across revisions: an amendment that clears a reason clears its flag."""
    flags: dict[UUID, tuple[ChildState, dict[str, Any]]] = {}
    seen_f2f = set(visit.child_seen_face_to_face)

    def flag(child_id: UUID, kind: FlagKind, reason: str = "", **extra: Any) -> None:
        child = children.get(child_id)
        if child is None:
            return
        key = f"{visit.visit_id}:{child_id}:{kind}:{extra.get('person_id') or ''}"
        data = FlagData(
            flag=kind,
            child_id=child_id,
            visit_id=visit.visit_id,
            revision=visit.revision,
            practitioner_id=visit.practitioner_id,
            visit_started_at=visit.started_at,
            reason=reason,
            **extra,
        )
        flags[uuid5(_FLAG_NS, key)] = (child, data.model_dump(mode="json"))

    concern_now = visit.safeguarding_concern_now
    for o in visit.children:
        if o.child_id not in seen_f2f:
            reason = o.reason_not_seen.value if o.reason_not_seen else "NOT_FACE_TO_FACE"
            flag(o.child_id, FlagKind.CHILD_NOT_SEEN, reason)
        if o.child_seen == YesNo.YES and (
            o.reason_not_seen_alone == ReasonNotSeenAlone.PARENT_CARER_PREVENTED
        ):
            flag(o.child_id, FlagKind.PREVENTED_FROM_SEEING_ALONE, o.reason_not_seen_alone.value)
        if concern_now is not None and concern_now != SafeguardingConcernNow.NONE:
            flag(o.child_id, FlagKind.SAFEGUARDING_CONCERN_NOW, concern_now.value)
    on = (visit.started_at or visit.created_on_device_at).date()
    for person in visit.persons_present:
        if person.role_in_care in (None, CarerRole.NONE):
            continue
        for r in restrictions.get(person.person_id, []):
            expires = r.data.get("expires_on")
            if expires is not None and expires < on.isoformat():
                continue
            cared_for = {rel.child_id for rel in person.relationships}
            for child_id in {*cared_for, r.child_id}:
                flag(
                    child_id,
                    FlagKind.RESTRICTED_ADULT_CARING,
                    str(r.data.get("restriction_type", "")),
                    person_id=person.person_id,
                    restriction_id=r.restriction_id,
                )
    return flags


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
