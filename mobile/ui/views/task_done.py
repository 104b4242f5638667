"""One task from the manager on the child's screen: what they asked, what the worker did
(required), "Mark as done", then a confirmation. It renders viewmodels.task_done.TaskDoneForm."""

from __future__ import annotations

import flet as ft

from mobile.ui.viewmodels.task_done import TaskDoneForm, TaskLine
from mobile.ui.views.widgets import action_button, primary_button, text_field

__all__ = ["task_to_finish"]


def task_to_finish(form: TaskDoneForm, line: TaskLine) -> list[ft.Control]:
    tid = line.task_id
    out: list[ft.Control] = [
        ft.Text(line.text),
        text_field(
            "What you did",
            form.typed.get(tid, ""),
            lambda e: form.set_text(tid, e.control.value or ""),
            multiline=True,
            error=form.errors.get(tid),
            help_text="Required: for example when you went back and what you saw.",
        ),
    ]
    if form.confirming != tid:
        out.append(primary_button("Mark as done", lambda _e: form.ask(tid)))
        return out
    out.append(
        ft.Semantics(
            live_region=True,
            container=True,
            label=form.ask_words,
            content=ft.Text(form.ask_words, weight=ft.FontWeight.BOLD),
        )
    )
    out.append(
        ft.Row(
            [
                primary_button("Yes, mark done", lambda _e: form.mark_done(tid)),
                action_button("Not yet", lambda _e: form.cancel()),
            ],
            wrap=True,
        )
    )
    return out
