"""A task sent back from the review queue, marked done by the worker it is for: what they did,
in their words, and when. It travels to the central record as its own record (RecordKind.
TASK_DONE), named by the task's id, once: a second, different one is a conflict."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from models.base import Shape, storable_problem

__all__ = ["MAX_DONE_NOTE", "TaskDone", "done_problem"]

MAX_DONE_NOTE = 4000  # the task table's done_note column


class TaskDone(Shape):
    task_id: UUID
    by_practitioner_id: UUID
    at: datetime
    what_was_done: str


def done_problem(what_was_done: str) -> str | None:
    """Why `what_was_done` cannot mark a task done, in plain words, or None: the one rule the
    screen, the device's workflow and the central record share."""
    unstorable = storable_problem(what_was_done)
    if unstorable is not None:
        return f"What you did: {unstorable}."
    if not what_was_done.strip():
        return "Say what you did about this (for example, when you went back and what you saw)."
    if len(what_was_done) > MAX_DONE_NOTE:
        return f"What you did is too long: keep it under {MAX_DONE_NOTE:,} characters."
    return None
