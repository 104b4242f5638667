"""Apply a flag's life-cycle steps (models.oversight.reconcile) to the flag and flag_event rows,
and send each flag, or its clearing, to the child's holders through the change feed."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from models.oversight import Condition, FlagAction, FlagState, FlagStatus, Step, Urgency
from sync.protocol import ChangeKind, FlagData
from sync.server.db import insert_rows
from sync.server.services.common import ChangeDraft, ChildLike
from sync.server.tables import FlagEventRow, FlagRow, table_of

__all__ = ["apply_steps", "flag_data", "flag_states"]

_FLAG = table_of(FlagRow)


def flag_states(
    s: Session, org: str, child_ids: Collection[UUID], kinds: Collection[str] | None = None
) -> dict[UUID, FlagState]:
    """The flags of these children as they stand (of these kinds only, if given)."""
    ids = sorted(set(child_ids))
    out: dict[UUID, FlagState] = {}
    for i in range(0, len(ids), 500):
        rows = s.execute(
            sa.select(
                _FLAG.c.flag_id, _FLAG.c.child_id, _FLAG.c.status, _FLAG.c.condition_active,
                _FLAG.c.urgency,
            ).where(
                _FLAG.c.org_id == org, _FLAG.c.child_id.in_(ids[i : i + 500]),
                _FLAG.c.kind.in_(sorted(kinds)) if kinds is not None else sa.true(),
            )
        ).all()  # fmt: skip
        for r in rows:
            out[r.flag_id] = FlagState(
                r.flag_id, r.child_id, FlagStatus(r.status), r.condition_active, Urgency(r.urgency)
            )
    return out


def flag_data(c: Condition, *, raised_at: datetime, status: FlagStatus) -> dict[str, Any]:
    return FlagData(
        flag=c.kind,
        child_id=c.child_id,
        urgency=c.urgency,
        status=status,
        since=c.since,
        raised_at=raised_at,
        why=c.why,
        clears=c.clears,
        act_by=c.act_by,
        reason=c.reason,
        due=c.due,
        visit_id=c.visit_id,
        person_id=c.person_id,
        decision_id=c.decision_id,
        concern_id=c.concern_id,
    ).model_dump(mode="json")


def _one(org: str, flag_id: UUID) -> Any:
    return (_FLAG.c.org_id == org) & (_FLAG.c.flag_id == flag_id)


def apply_steps(
    s: Session,
    org: str,
    steps: Iterable[Step],
    flags: Mapping[UUID, FlagState],
    children: Mapping[UUID, ChildLike],
    now: datetime,
) -> list[ChangeDraft]:
    """Write the steps (the central record is who acts: no person) and return the change rows."""
    drafts: list[ChangeDraft] = []
    events: list[dict[str, Any]] = []
    new_rows: list[dict[str, Any]] = []
    for step in steps:
        c = step.condition
        old = flags.get(step.flag_id)
        urgency = c.urgency if c is not None else (old.urgency if old else Urgency.ROUTINE)
        events.append(
            {"org_id": org, "flag_id": step.flag_id, "at": now, "action": step.action,
             "by_practitioner_id": None, "urgency": urgency, "note": ""}
        )  # fmt: skip
        if step.action == FlagAction.RAISED and c is not None:
            data = flag_data(c, raised_at=now, status=FlagStatus.OPEN)
            new_rows.append(
                {"org_id": org, "flag_id": step.flag_id, "child_id": c.child_id, "kind": c.kind,
                 "urgency": c.urgency, "status": FlagStatus.OPEN, "condition_active": True,
                 "since": c.since, "raised_at": now, "updated_at": now, "data": data}
            )  # fmt: skip
        elif c is not None:  # reopened, or its urgency changed
            where = _one(org, step.flag_id)
            data = flag_data(c, raised_at=now, status=FlagStatus.OPEN)
            if step.action == FlagAction.URGENCY_CHANGED:  # still open: who acknowledged it stands
                kept = s.execute(sa.select(_FLAG.c.data, _FLAG.c.raised_at).where(where)).one()
                data = flag_data(c, raised_at=kept.raised_at, status=FlagStatus.OPEN)
                for name in ("acknowledged_by", "acknowledged_at"):
                    data[name] = kept.data.get(name)
            s.execute(
                sa.update(_FLAG).where(where).values(
                    status=FlagStatus.OPEN, condition_active=True, urgency=c.urgency,
                    since=c.since, updated_at=now, data=data,
                )
            )  # fmt: skip
        else:  # the condition ended: cleared, or (closed already) noted
            values: dict[str, Any] = {"condition_active": False, "updated_at": now}
            if step.action == FlagAction.CLEARED:
                values["status"] = FlagStatus.CLEARED
            s.execute(sa.update(_FLAG).where(_one(org, step.flag_id)).values(**values))
            data = None
        child_id = c.child_id if c is not None else (old.child_id if old else None)
        child = children.get(child_id) if child_id is not None else None
        if child is None or step.action == FlagAction.CONDITION_ENDED:
            continue
        draft = ChangeDraft.for_child(child, ChangeKind.FLAG, step.flag_id, data)
        draft.deleted = data is None
        drafts.append(draft)
    if new_rows:
        insert_rows(s, _FLAG, new_rows)
    if events:
        insert_rows(s, table_of(FlagEventRow), events)
    return drafts
