"""The reads and bulk writes of a push: one query per kind of row for the whole batch, every one
of them the caller's organisation's; the decisions are in rules.py and plan.py."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, select

from models.caseload import ContactRestriction
from sync.server.db import insert_rows
from sync.server.services.push.rules import ChildState, Latest
from sync.server.tables import (
    ChildRow,
    ConcernRow,
    QuarantineRow,
    RecordRevisionRow,
    RestrictionRow,
    VisitChildRow,
    VisitRevisionRow,
    table_of,
)

__all__ = [
    "accepted_revisions",
    "children",
    "concerns",
    "held_items",
    "held_since",
    "latest_revisions",
    "restrictions_on",
    "write_accepted",
    "write_seen",
]

_CHILD = table_of(ChildRow)
_SEEN_COLUMNS = (*ChildState.COLUMNS[4:], "child_id")
_UPDATE_SEEN = (
    sa.update(_CHILD)
    .where(_CHILD.c.child_id == sa.bindparam("b_child_id"))
    .values({name: sa.bindparam(f"b_{name}") for name in _SEEN_COLUMNS[:-1]})
)


def accepted_revisions(
    s: Session, org: str, record_ids: Sequence[UUID]
) -> dict[tuple[UUID, int], Any]:
    """The receipt columns of every accepted revision of these records, by (record, revision)."""
    rr = table_of(RecordRevisionRow).c
    return {
        (r.record_id, r.revision): r
        for r in s.execute(
            sa.select(
                rr.receipt_id, rr.record_id, rr.revision, rr.kind, rr.content_hash,
                rr.server_seq, rr.received_at,
            ).where(rr.org_id == org, rr.record_id.in_(record_ids))
        )
    }  # fmt: skip


def held_items(s: Session, org: str, record_ids: Sequence[UUID]) -> Iterator[Any]:
    """The receipt columns (never the body) of every held item of these records."""
    q = table_of(QuarantineRow).c
    yield from s.execute(
        sa.select(
            q.receipt_id, q.record_id, q.revision, q.content_hash, q.status, q.code,
            q.problems, q.server_seq, q.received_at, q.device_id,
        ).where(q.org_id == org, q.record_id.in_(record_ids))
    )  # fmt: skip


def held_since(s: Session, device_id: UUID, since: datetime) -> int:
    """How many items from this device were held after `since` (the quota on held items)."""
    q = table_of(QuarantineRow).c
    count: int = s.execute(
        sa.select(sa.func.count())
        .select_from(table_of(QuarantineRow))
        .where(q.device_id == device_id, q.received_at > since)
    ).scalar_one()
    return count


def children(s: Session, org: str, ids: Collection[UUID]) -> Iterator[ChildState]:
    """The organisation's children among `ids` (another organisation's are not there)."""
    if not ids:
        return
    c = _CHILD.c
    query = sa.select(*(c[name] for name in ChildState.COLUMNS)).where(
        c.org_id == org, c.child_id.in_(ids)
    )
    for row in s.execute(query):
        yield ChildState(*row)


def latest_revisions(s: Session, org: str, visit_ids: Sequence[UUID]) -> dict[UUID, Latest]:
    """The latest stored revision of each of these visits."""
    latest: dict[UUID, Latest] = {}
    if not visit_ids:
        return latest
    vr = table_of(VisitRevisionRow).c
    for v in s.execute(
        sa.select(vr.visit_id, vr.revision, vr.body).where(
            vr.org_id == org, vr.visit_id.in_(visit_ids)
        )
    ):
        if v.visit_id not in latest or v.revision > latest[v.visit_id].revision:
            latest[v.visit_id] = Latest(v.revision, body=v.body)
    return latest


def concerns(s: Session, org: str, ids: Sequence[UUID]) -> dict[UUID, ConcernRow]:
    if not ids:
        return {}
    return {
        c.concern_id: c
        for c in s.exec(
            select(ConcernRow).where(
                ConcernRow.org_id == org,
                ConcernRow.concern_id.in_(ids),  # type: ignore[attr-defined]
            )
        )
    }


def restrictions_on(
    s: Session, org: str, person_ids: Collection[UUID]
) -> Iterator[ContactRestriction]:
    """The contact restrictions on these people (as loaded: models.caseload.ContactRestriction)."""
    for r in s.exec(
        select(RestrictionRow).where(
            RestrictionRow.org_id == org,
            RestrictionRow.person_id.in_(person_ids),  # type: ignore[attr-defined]
        )
    ):
        yield ContactRestriction.model_validate(r.data)


def write_seen(s: Session, states: Iterable[ChildState]) -> None:
    """The changed children's last visited and seen, in one executemany UPDATE."""
    changed = [
        {f"b_{name}": getattr(child, name) for name in _SEEN_COLUMNS}
        for child in states
        if child.changed
    ]
    if changed:
        s.execute(_UPDATE_SEEN, changed)


def write_accepted(
    s: Session,
    *,
    revisions: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    visit_children: list[dict[str, Any]],
) -> None:
    """The accepted rows of the batch, in bulk."""
    for table, rows in (
        (RecordRevisionRow, revisions),
        (VisitRevisionRow, visits),
        (VisitChildRow, visit_children),
    ):
        insert_rows(s, table_of(table), rows)
