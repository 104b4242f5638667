"""Recording a visit step by step: the draft is saved at every step and a moment after typing stops.

What the practitioner types is kept here until it is saved; a save that fails keeps it and says
so. A page's fields come from pages; actions (add a person, a concern...) from edits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.errors import SubmissionBlockedError
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.fields import REVIEW, FieldKind, FieldSpec, Page, PageContext
from mobile.ui.viewmodels.visit.edits import apply_action
from mobile.ui.viewmodels.visit.pages import fields_for, pages_for, title_for
from mobile.ui.viewmodels.visit.paths import (
    FieldValue,
    PathError,
    get_value,
    parse_date,
    set_value,
    set_when,
)
from mobile.ui.viewmodels.visit.review import (
    ProblemGroup,
    SummaryLine,
    group_problems,
    landing_for,
    locked_summary,
    page_of,
)
from models.enums import ChildCommunication, RecordStatus, VoiceMethod
from models.lifecycle import prune_hidden
from models.rules import Check, Problem, Step, impossible_times
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.visits import KnownPerson, VisitService

__all__ = ["DEBOUNCE_S", "VisitRecorder"]

DEBOUNCE_S = 1.5
_REBUILD_KINDS = {FieldKind.CHOICE, FieldKind.YES_NO, FieldKind.MULTI}


class VisitRecorder(Observable):
    amending = False  # an AmendRecorder (amending.py) is true

    def __init__(
        self,
        *,
        visits: VisitService,
        visit: Visit,
        context: PageContext,
        known_people: list[KnownPerson] | None = None,
        clock: Callable[[], float] = time.monotonic,
        debounce_s: float = DEBOUNCE_S,
        on_submitted: Callable[[Visit], None] | None = None,
    ) -> None:
        super().__init__()
        self._visits = visits
        self.visit = visit
        self.context = context
        self.known_people = list(known_people or [])
        self._clock = clock
        self._debounce_s = debounce_s
        self._on_submitted = on_submitted
        self.page = Page(Step.VISIT)
        self.raw: dict[str, str] = {}  # typed text not (yet) valid: kept, never thrown away
        self.field_errors: dict[str, str] = {}
        self.error = ""
        self.message = ""
        self.check_result: Check | None = None
        self.check_failed = False  # the last check could not run: the review offers a retry
        self.landing: str | None = None  # the field a problem's link lands on; the view clears it
        self.dirty = False
        self._last_edit = 0.0
        self.day: date = (visit.started_at or visit.created_on_device_at).date()
        self._good_times = (self.day, visit.started_at, visit.ended_at)
        self._refused_times: set[str] = set()  # when.* fields refused as impossible

    # Where we are
    @property
    def pages(self) -> list[Page]:
        return pages_for(self.visit)

    @property
    def index(self) -> int:
        pages = self.pages
        return pages.index(self.page) if self.page in pages else 0

    @property
    def title(self) -> str:
        return title_for(self.page, self.visit, self.context)

    @property
    def progress_text(self) -> str:
        return f"Step {self.index + 1} of {len(self.pages)}"

    @property
    def locked(self) -> bool:
        return self.visit.status != RecordStatus.DRAFT

    def fields(self) -> list[FieldSpec]:
        return fields_for(self.page, self.visit, self.context)

    def value(self, path: str) -> FieldValue:
        if path in self.raw:
            return self.raw[path]
        if path == "when.date":
            return f"{self.day:%d/%m/%Y}"
        return get_value(self.visit, path)

    # Moving
    def go(self, page: Page) -> None:
        self.save()
        self.page = page
        self.message = ""
        if page.is_review:
            self.run_check()
        self.notify()

    def next(self) -> None:
        pages = self.pages
        self.go(pages[min(self.index + 1, len(pages) - 1)])

    def back(self) -> None:
        self.go(self.pages[max(self.index - 1, 0)])

    def page_for(self, problem: Problem) -> Page:
        return page_of(problem, self.visit)

    def fix(self, problem: Problem) -> None:
        """A problem's link: its page, landing on the field that answers it."""
        page, path = landing_for(problem, self.visit, self.context)
        self.landing = path
        self.go(page)

    # Editing
    def set(self, path: str, value: FieldValue, kind: FieldKind | None = None) -> None:
        """One field changed. Choices redraw the page (what is asked next may change); typing
        does not, so the cursor stays put: the view shows `field_errors[path]` in place."""
        if self.locked:
            self.error = "This visit has been submitted. To correct it, add an amendment."
            self.notify()
            return
        try:
            self._write(path, value)
            self._refuse_impossible_times(path)
        except PathError as exc:
            self.raw[path] = str(value or "")
            self.field_errors[path] = exc.message
        else:
            self.raw.pop(path, None)
            self.field_errors.pop(path, None)
            self._after_write(path, value)
        self.dirty = True
        self._last_edit = self._clock()
        if kind in _REBUILD_KINDS or kind is None:
            self.notify()

    def _write(self, path: str, value: FieldValue) -> None:
        if path == "when.date":
            self.day = parse_date(str(value or ""))
            set_when(self.visit, self.day, "date", "")
        elif path in ("when.start", "when.end"):
            set_when(self.visit, self.day, path.split(".")[1], str(value or ""))
        else:
            set_value(self.visit, path, value)

    def _refuse_impossible_times(self, path: str) -> None:
        """An end before the start, or a time after now, is refused as it is typed (the rules
        are models.rules', the same the review applies): the record keeps its last good times."""
        if path not in ("when.start", "when.end", "when.date"):
            return
        wrong = impossible_times(self.visit, self._visits.now())
        if wrong is None:
            self._good_times = (self.day, self.visit.started_at, self.visit.ended_at)
            pending = self._refused_times - {path}
            self._refused_times.clear()
            for other in pending:  # the other time, refused before, may fit now: try it again
                self.set(other, self.raw.get(other, ""), FieldKind.TIME)
            return
        self.day, self.visit.started_at, self.visit.ended_at = self._good_times
        self._refused_times.add(path)
        raise PathError(wrong.message)

    def _after_write(self, path: str, value: FieldValue) -> None:
        if path.endswith(".voice.communication") and value == ChildCommunication.PRE_VERBAL:
            voice = self.visit.children[int(path.split(".")[1])].voice
            if not voice.methods:
                voice.methods = [VoiceMethod.OBSERVATION_ONLY]
        interpreter = path.endswith(".voice.interpreter_person_id") and value
        if interpreter and self.visit.person(UUID(str(value))) is None:
            # Whoever interpreted was here: someone on record is recorded as here too.
            apply_action(self.visit, self.known_people, f"add_known.{value}")

    def act(self, action: str) -> None:
        """A button on a page: add_known.<id>, add_new, remove_person.<n>, add_concern..."""
        if self.locked:
            return
        apply_action(self.visit, self.known_people, action)
        self.dirty = True
        self.save()
        self.notify()

    # Saving
    def tick(self) -> bool:
        """Called about once a second: saves once typing has paused. True if it saved."""
        if self.dirty and self._clock() - self._last_edit >= self._debounce_s:
            return self.save()
        return False

    def save(self) -> bool:
        if not self.dirty or self.locked:
            return True
        try:
            self._visits.save_draft(self.visit)
        except Exception as exc:
            self.error = plain_words(exc) + " Your answers are still here and will be saved again."
            self.notify()
            return False
        self.dirty = False
        if self.error:
            self.error = ""
            self.notify()
        return True

    # Review and submit
    def run_check(self) -> Check | None:
        try:
            self.check_result = self._visits.check(self.visit)
        except Exception as exc:
            self.error = plain_words(exc)
            self.check_result = None
            self.check_failed = True
        else:
            self.check_failed = False
            if self.error and not self.dirty:
                self.error = ""
        return self.check_result

    def retry_check(self) -> None:
        """The review's "Check again": save what is waiting, then check once more."""
        self.save()
        self.run_check()
        self.notify()

    def problem_groups(self) -> list[ProblemGroup]:
        if self.check_result is None:
            return []
        return group_problems(self.check_result, self.visit, self.context)

    def summary(self) -> list[SummaryLine]:
        """What submitting locks, read back before the practitioner submits."""
        return locked_summary(self.visit, self.context)

    def page_problems(self) -> list[Problem]:
        if self.check_result is None or self.page.is_review:
            return []
        child_id = (
            self.visit.children[self.page.child_index].child_id
            if self.page.child_index is not None
            else None
        )
        return [
            p
            for p in self.check_result.problems
            if p.step == self.page.step and (child_id is None or p.child_id == child_id)
        ]

    def submit(self) -> bool:
        if self.field_errors:
            self.error = "Some answers could not be read: fix the ones marked before submitting."
            self.page = Page(REVIEW)
            self.notify()
            return False
        self.visit = prune_hidden(self.visit)
        self.dirty = True
        if not self.save():
            return False
        try:
            locked = self._visits.submit(self.visit.visit_id)
        except SubmissionBlockedError as exc:
            self.check_result = exc.check
            self.error = exc.message
            self.page = Page(REVIEW)
            self.notify()
            return False
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.visit = locked
        self.error = ""
        self.message = "Submitted and locked. It goes to the central record at the next sync."
        self.notify()
        if self._on_submitted is not None:
            self._on_submitted(locked)
        return True

    def child_id_at(self, index: int) -> UUID:
        return self.visit.children[index].child_id
