"""What was sent back to workers, for a page to show: each task's child, worker, what to do and
where it stands (open, or done: by whom, when and what they did). services.oversight.tasks
holds the read and its scope; the template is _sent_back.html."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request

from sync.server.console.forms import when
from sync.server.console.router import db_of, now_of
from sync.server.console.scope import actor_of, child_names, names_of
from sync.server.console.sessions import Staff
from sync.server.services.oversight.tasks import sent_back

__all__ = ["sent_back_rows"]

ABOUT = {
    "visit": "A child not seen at a visit",
    "escalation": "An escalation",
    "conflict": "A record in conflict",
    "rejected": "A record the central record could not accept",
}


def sent_back_rows(
    request: Request, staff: Staff, *, child_id: UUID | None = None
) -> list[dict[str, Any]]:
    db = db_of(request)
    tasks = sent_back(db=db, actor=actor_of(staff), now=now_of(request), child_id=child_id)
    names = child_names(db, staff, [t.child_id for t in tasks])
    people = names_of(db, staff.org_id, [p for t in tasks for p in (t.worker_id, t.set_by)])
    return [
        {
            "task": t,
            "child": names.get(t.child_id, "A child"),
            "worker": people.get(t.worker_id, "Not known"),
            "about": ABOUT.get(t.about, "A record"),
            "set": f"{when(t.set_at)}, by {people.get(t.set_by, 'not known')}",
            "status": (
                f"Done: {when(t.done_at)}, by {people.get(t.worker_id, 'the worker')}"
                if t.done_at
                else "Open: waiting for the worker"
            ),
        }
        for t in tasks
    ]
