"""The child's screen in-process over the real services and server: a task from the manager
shows under "Back from your manager" with a named field and button; marking it done asks first,
then the task leaves the screen."""

from __future__ import annotations

import flet as ft

from mobile.ui.viewmodels.app import Screen
from tests.sync.helpers import World
from tests.sync.task_helpers import TODO, set_task
from tests.ui.conftest import PASSPHRASE


def test_a_task_is_marked_done_from_the_childs_screen(ui, world: World) -> None:
    h, shell = ui
    task = set_task(world, world.worker)
    h.type(h.field("PIN or passphrase"), PASSPHRASE)
    h.click(h.button("Unlock"))
    assert shell.app.services.sync.sync_now().last_error == ""
    assert world.worker.load is not None
    child = next(c for c in world.worker.load.children if c.child_id == task.child_id)
    h.type(h.field("Search by name"), child.name)
    h.click(h.one(ft.ListTile, lambda t: str(t.title).startswith(child.name + ",")))
    assert shell.app.screen == Screen.CHILD
    assert h.shows("Back from your manager") and h.shows(TODO)
    h.click(h.button("Mark as done"))
    assert h.field("What you did").error  # required: nothing is recorded without it
    h.type(h.field("What you did"), "Went back and saw her alone (synthetic)")
    h.click(h.button("Mark as done"))
    assert h.shows("Mark this done?")
    h.click(h.button("Yes, mark done"))
    assert h.shows("Marked done: your manager will see what you did")
    assert not h.shows(TODO) and not h.shows("Back from your manager")
