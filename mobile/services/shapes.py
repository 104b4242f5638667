"""The shapes the services hand to the screens: plain frozen data, never flet, never the store's.

    CaseloadRow (.flags: ChildFlag)     one child on the caseload screen
    RecordSyncState (.status)           one record on the Sync screen: waiting, sent, acknowledged...
    SyncProgress                        the Sync screen's counts and its last problem, in plain words

Errors the services raise are mobile.services.errors.AppError, each with a stable `code` from
mobile/codes.py and a plain-words `message` (what to do next).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from models.receipt import SyncState

__all__ = [
    "CaseloadRow",
    "ChildFlag",
    "RecordSyncState",
    "SyncProgress",
]


class ChildFlag(StrEnum):
    NOT_SEEN_LAST_VISIT = "not_seen_last_visit"
    CONCERN_AWAITING_ACK = "concern_awaiting_ack"
    ESCALATION_PENDING = "escalation_pending"  # recorded on the device, not yet acknowledged
    UNASSESSED_CARER = "unassessed_carer"
    CONTACT_RESTRICTION = "contact_restriction"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CaseloadRow:
    child_id: UUID
    name: str
    age_text: str  # "2 years 3 months", "6 weeks"
    household_id: UUID | None
    service_context: str
    last_seen: date | None
    days_since_seen: int | None
    next_due: date | None
    days_overdue: int
    rule_text: str
    flags: frozenset[ChildFlag] = field(default_factory=frozenset)
    unsynced: int = 0  # this child's visits waiting for the central record


@dataclass(frozen=True)
class RecordSyncState:
    record_id: UUID
    kind: str
    title: str  # e.g. "Visit" — no personal data
    status: SyncState
    receipt_id: UUID | None = None
    acknowledged_at: datetime | None = None
    problems: tuple[str, ...] = ()  # for rejected/conflict: why, and what to do
    saved_at: datetime | None = None  # when it was saved for sending; never moves
    waited: timedelta | None = None  # how long since then, until it is acknowledged
    attempts: int = 0  # times sent while waiting (answered or not)
    last_attempt_at: datetime | None = None


@dataclass(frozen=True)
class SyncProgress:
    running: bool
    pending: int  # records waiting: not yet acknowledged (outbox plus quarantine)
    sent: int
    acknowledged: int
    rejected: int
    last_sync_at: datetime | None
    last_error: str = ""  # plain words, e.g. "No signal: your visits are safe on this device"
    needs_new_code: bool = False  # the sign-in expired: offer "enter a new code" (Session.re_enrol)
