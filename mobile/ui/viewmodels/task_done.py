"""Marking a task from the manager done, on the child's screen: what was done (required, in the
worker's words), then a confirmation; what was typed stays until it is recorded, and after any
refusal. The rule is models.task.done_problem: the workflow and the central record apply it too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.ui.viewmodels.base import plain_words
from models.task import done_problem

if TYPE_CHECKING:
    from mobile.services.caseload import CaseloadService

__all__ = ["DONE_MESSAGE", "TaskDoneForm", "TaskLine"]

DONE_MESSAGE = (
    "Marked done: your manager will see what you did after the next sync. It has left this "
    "child's list."
)
ASK = "Mark this done? Your manager sees what you wrote, with your name and the time."


@dataclass(frozen=True)
class TaskLine:
    task_id: UUID
    text: str  # what the manager asked, with what it is about and when


class TaskDoneForm:
    """The typed words, the errors and the confirmation of each task on one child's screen."""

    def __init__(
        self, caseload: CaseloadService, *, on_done: Callable[[str], None],
        notify: Callable[[], None],
    ) -> None:  # fmt: skip
        self._caseload, self._on_done, self._notify = caseload, on_done, notify
        self.typed: dict[UUID, str] = {}
        self.errors: dict[UUID, str] = {}
        self.confirming: UUID | None = None
        self.ask_words = ASK

    def set_text(self, task_id: UUID, text: str) -> None:
        self.typed[task_id] = text
        if text.strip():
            self.errors.pop(task_id, None)

    def ask(self, task_id: UUID) -> bool:
        """The "Mark as done" button: what was done is required, then it is confirmed."""
        problem = done_problem(self.typed.get(task_id, "").strip())
        if problem is not None:
            self.errors[task_id] = problem
            self.confirming = None
        else:
            self.errors.pop(task_id, None)
            self.confirming = task_id
        self._notify()
        return problem is None

    def cancel(self) -> None:
        """The "Not yet" button: nothing is recorded; what was typed stays."""
        self.confirming = None
        self._notify()

    def mark_done(self, task_id: UUID) -> bool:
        """The "Yes, mark done" button: recorded only once confirmed (asked first otherwise). A
        failure keeps what was typed and says why in words."""
        if self.confirming != task_id:
            self.ask(task_id)
            return False
        try:
            self._caseload.mark_task_done(
                task_id, what_was_done=self.typed.get(task_id, "").strip()
            )
        except Exception as exc:
            self.errors[task_id] = plain_words(exc)
            self.confirming = None
            self._notify()
            return False
        self.typed.pop(task_id, None)
        self.confirming = None
        self._on_done(DONE_MESSAGE)
        return True
