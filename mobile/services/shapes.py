"""The shapes the services hand to the screens: plain frozen data, never flet, never the store's.

    CaseloadRow (.flags: ChildFlag)     one child on the caseload screen
    ReceivedFlag                        a flag the central record raised for a child, still open
    ReceivedTask                        something a manager sent back to this worker, with what to do
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

from models.flags import FlagKind
from models.oversight import ActBy, Urgency
from models.receipt import SyncState

__all__ = [
    "CaseloadRow",
    "ChildFlag",
    "ReceivedFlag",
    "ReceivedTask",
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
class ReceivedFlag:
    """A flag from the central record (sync.protocol.FlagData): why, since when, how urgent, who
    must act and what would clear it. Cleared or closed there, it leaves the device."""

    kind: FlagKind
    urgency: Urgency
    since: datetime
    why: str
    clears: str
    act_by: ActBy
    due: date | None = None
    visit_id: UUID | None = None


@dataclass(frozen=True)
class ReceivedTask:
    """A review sent back from the console (sync.protocol.TaskData): what to do, and when."""

    task_id: UUID
    about: str  # "visit" | "escalation" | "conflict" | "rejected"
    about_id: UUID
    what_to_do: str
    set_at: datetime


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
    received: tuple[ReceivedFlag, ...] = ()  # the central record's open flags, most urgent first
    tasks: tuple[ReceivedTask, ...] = ()  # sent back by a manager, oldest first


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
