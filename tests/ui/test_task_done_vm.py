"""Marking a task from the manager done on the child's screen, on the real services and the real
server: what was done is required and confirmed first; bad text (NUL, a lone surrogate, too
long) is refused in words, what was typed is kept and nothing is queued; once done the task
leaves the child's screen and the caseload row at once, and goes out at the next sync."""

from __future__ import annotations

import pytest

from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.caseload import row_text
from mobile.ui.viewmodels.child import ChildViewModel
from mobile.ui.viewmodels.task_done import DONE_MESSAGE
from models.task import MAX_DONE_NOTE
from sync.server.tables import TaskRow
from tests.sync.helpers import World
from tests.sync.task_helpers import TODO, set_task


@pytest.fixture
def task(world: World, app: AppViewModel) -> TaskRow:
    row = set_task(world, world.worker)
    assert app.services is not None
    assert app.services.sync.sync_now().last_error == ""
    return row


@pytest.fixture
def child(app: AppViewModel, task: TaskRow) -> ChildViewModel:
    app.open_child(task.child_id)
    assert app.child is not None
    return app.child


def _waiting(app: AppViewModel) -> int:
    assert app.services is not None
    return app.services.caseload.records_waiting()


def test_marking_done_needs_what_was_done_and_a_confirmation(
    app: AppViewModel, child: ChildViewModel, task: TaskRow
) -> None:
    [line] = child.task_lines()
    assert line.task_id == task.task_id and line.text.endswith(TODO)
    form, before = child.task_done, _waiting(app)
    assert not form.ask(task.task_id)
    assert "Say what you did" in form.errors[task.task_id]
    assert not form.mark_done(task.task_id)  # never confirmed: never recorded
    form.set_text(task.task_id, "Went back on Thursday (synthetic)")
    assert task.task_id not in form.errors
    assert form.ask(task.task_id) and form.confirming == task.task_id
    assert _waiting(app) == before  # asking is not recording
    form.cancel()
    assert form.confirming is None and form.typed[task.task_id].startswith("Went back")
    assert child.task_lines() == [line] and _waiting(app) == before


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Saw her\x00 alone", "NUL character"),
        ("Saw her \ud800 alone", "broken character"),
        ("x" * (MAX_DONE_NOTE + 1), "too long"),
    ],
)
def test_bad_text_is_refused_in_words_and_kept(
    app: AppViewModel, child: ChildViewModel, task: TaskRow, text: str, words: str
) -> None:
    form, before = child.task_done, _waiting(app)
    form.set_text(task.task_id, text)
    assert not form.ask(task.task_id)
    assert words in form.errors[task.task_id] and form.confirming is None
    assert form.typed[task.task_id] == text  # what was typed is kept
    assert _waiting(app) == before and len(child.task_lines()) == 1


def test_once_done_it_leaves_the_screen_and_the_row_and_reaches_the_central_record(
    app: AppViewModel, child: ChildViewModel, task: TaskRow, world: World
) -> None:
    assert row_text(child.row).task == f"Back from your manager: {TODO}"
    form, before = child.task_done, _waiting(app)
    form.set_text(task.task_id, "  Went back on Thursday and saw her alone (synthetic)  ")
    form.ask(task.task_id)
    assert form.mark_done(task.task_id), form.errors
    assert child.message == DONE_MESSAGE and child.task_lines() == []
    assert child.row.tasks == () and not row_text(child.row).task
    assert _waiting(app) == before + 1 and task.task_id not in form.typed
    assert app.services is not None
    assert app.services.sync.sync_now().last_error == ""
    with world.db.read() as s:
        row = s.get(TaskRow, ("ORG-DEMO", task.task_id))
        assert row is not None
        assert row.done_note == "Went back on Thursday and saw her alone (synthetic)"
        assert row.done_at is not None
    assert _waiting(app) == before
    app.go_caseload()
    app.open_child(task.child_id)
    assert app.child is not None and app.child.task_lines() == []
