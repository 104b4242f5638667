"""Pure decisions and conversions the store and the services share (no SQL, no keys)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from mobile.store.shapes import PLAIN_SETTINGS, ChildSummary
from models.canonical import canonical_text
from models.caseload import Child, ContactRestriction, Household
from models.concern import ConcernReceived
from models.enums import AssessedStatus, CarerRole
from models.flags import escalates
from models.receipt import Receipt
from models.visit import Visit

__all__ = [
    "check_plain_setting",
    "from_text",
    "receipt_from_detail",
    "receipt_to_detail",
    "summarise",
    "to_text",
    "visit_child_ids",
    "what_to_do",
]


def to_text(moment: datetime) -> str:
    """Timestamps are stored as UTC ISO 8601 text (they sort as text)."""
    if moment.tzinfo is None:
        raise ValueError("the store needs timezone-aware times (the clock must return UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def visit_child_ids(visit: Visit) -> list[UUID]:
    return sorted({outcome.child_id for outcome in visit.children}, key=str)


def receipt_to_detail(receipt: Receipt) -> bytes:
    return receipt.model_dump_json().encode()


def receipt_from_detail(raw: bytes) -> Receipt:
    return Receipt.model_validate_json(raw)


def check_plain_setting(key: str) -> None:
    if key not in PLAIN_SETTINGS:
        raise ValueError(
            f"'{key}' may hold personal data, so it is stored sealed: use set_setting(). "
            f"Plaintext settings: {', '.join(sorted(PLAIN_SETTINGS))}."
        )


def what_to_do(table: str, *, synced: bool = False) -> str:
    """What the practitioner should do about one record that cannot be read."""
    if table == "visit" and synced:
        return "A copy is safe at the central record: contact support to restore it here."
    if table in (
        "draft",
        "visit",
        "amendment",
        "acknowledgement",
        "concern",
        "escalation",
        "task_done",
        "outbox",
        "quarantine",
    ):
        return (
            "Sync now so your other records are safe at the central record, then contact support "
            "and quote this reference. Do not delete the app or reset the device."
        )
    if table == "caseload":
        return "Sync to download your caseload again; if this message stays, contact support."
    if table == "setting":
        return "Enter this setting again in Settings."
    return "Contact support and quote this reference."


def _visit_day(visit: Visit) -> date:
    return (visit.started_at or visit.created_on_device_at).date()


def summarise(
    *,
    children: Iterable[Child],
    households: Mapping[UUID, Household],
    visits: Iterable[Visit],
    drafts: Iterable[Visit],
    concerns: Iterable[ConcernReceived],
    restrictions: Iterable[ContactRestriction],
    seen_at_centre: Mapping[UUID, date],
    unsynced_visit_ids: set[UUID],
) -> list[ChildSummary]:
    """One ChildSummary per child. `visits` are the latest revisions of submitted visits.
    The caseload row cache keeps what this returns: a change here raises
    mobile/services/caseload_cache.py's RECIPE."""
    by_child: dict[UUID, list[Visit]] = defaultdict(list)
    for visit in visits:
        for child_id in visit_child_ids(visit):
            by_child[child_id].append(visit)
    drafts_by_child: dict[UUID, int] = defaultdict(int)
    for draft in drafts:
        for child_id in visit_child_ids(draft):
            drafts_by_child[child_id] += 1
    awaiting: dict[UUID, int] = defaultdict(int)
    for concern in concerns:
        if concern.awaiting_acknowledgement:
            for child_id in set(concern.children_concerned):
                awaiting[child_id] += 1
    restricted: dict[UUID, int] = defaultdict(int)
    for restriction in restrictions:
        restricted[restriction.child_id] += 1

    summaries = []
    for child in children:
        mine = sorted(by_child.get(child.child_id, []), key=_visit_day)
        seen_days = [_visit_day(v) for v in mine if child.child_id in v.child_seen_face_to_face]
        if child.child_id in seen_at_centre:
            seen_days.append(seen_at_centre[child.child_id])
        last = mine[-1] if mine else None
        summaries.append(
            ChildSummary(
                child=child,
                household=households.get(child.household_id) if child.household_id else None,
                last_seen_on=max(seen_days, default=None),
                last_visit_on=_visit_day(last) if last else None,
                not_seen_at_last_visit=bool(
                    last and child.child_id not in last.child_seen_face_to_face
                ),
                next_visit_due=last.next_visit_due if last else None,
                concerns_awaiting_acknowledgement=awaiting[child.child_id],
                unassessed_carers=sum(
                    1
                    for link in child.links
                    if link.role_in_care != CarerRole.NONE
                    and link.assessed != AssessedStatus.ASSESSED
                ),
                restrictions=restricted[child.child_id],
                drafts=drafts_by_child[child.child_id],
                unsynced_visits=sum(1 for v in mine if v.visit_id in unsynced_visit_ids),
                escalations_pending=sum(
                    1 for v in mine if v.visit_id in unsynced_visit_ids and escalates(v)
                ),
            )
        )
    return summaries


def dumps(data: Any) -> bytes:
    """Canonical JSON (models.canonical), as bytes to seal."""
    return canonical_text(data).encode()
