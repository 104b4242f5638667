"""A task sent back to a worker, written as the review queue writes it (services.oversight.
review._send_back): the task row and its change on the feed, so the worker's device gets it at
its next sync. Tests that are not about the review queue start from here."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sync.protocol import ChangeKind, TaskData
from sync.server.services.common import ChangeDraft, OrgLog
from sync.server.tables import ChildRow, TaskRow
from tests.sync.helpers import Practitioner, World

__all__ = ["TODO", "set_task"]

TODO = "See the child alone (synthetic)."


def set_task(world: World, who: Practitioner, *, child: int = 0) -> TaskRow:
    assert who.load is not None
    child_id = who.load.children[child].child_id
    task = TaskData(
        task_id=uuid.uuid4(), child_id=child_id, about="visit", about_id=uuid.uuid4(),
        what_to_do=TODO, set_by=world.manager.practitioner_id,
        set_at=world.clock() - timedelta(days=1),
    )  # fmt: skip
    row = TaskRow(
        org_id="ORG-DEMO", task_id=task.task_id, child_id=child_id,
        practitioner_id=who.practitioner_id, about=task.about, about_id=task.about_id,
        what_to_do=TODO, set_by=task.set_by, set_at=task.set_at,
    )  # fmt: skip
    with world.db.write() as s:
        team = s.get(ChildRow, child_id)
        assert team is not None
        s.add(row)
        log = OrgLog(s, "ORG-DEMO")
        log.add([ChangeDraft(ChangeKind.TASK, task.task_id, task.model_dump(mode="json"),
                             child_id, False, who.practitioner_id, team.team_id)])  # fmt: skip
        log.flush()
        s.flush()
        s.expunge(row)
    return row
