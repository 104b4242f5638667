"""The app as a whole: which screen shows, what unlocking opens, and locking when idle.

Locking flushes the draft first; the visit being recorded is reopened where it was after unlock,
with anything typed that could not yet be read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.shapes import CaseloadRow, RecordSyncState, SyncProgress
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.caseload import CaseloadViewModel
from mobile.ui.viewmodels.child import ChildViewModel
from mobile.ui.viewmodels.enrol import EnrolViewModel
from mobile.ui.viewmodels.escalation import DueLine, EscalationViewModel, due_lines
from mobile.ui.viewmodels.fields import Page, PageContext
from mobile.ui.viewmodels.routes import open_route
from mobile.ui.viewmodels.settings import SettingsViewModel
from mobile.ui.viewmodels.sync import SyncViewModel
from mobile.ui.viewmodels.unlock import UnlockViewModel
from mobile.ui.viewmodels.visit.amend import AmendViewModel, visit_summary
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.session import AppServices, Session
    from mobile.services.visits import KnownPerson

__all__ = ["TITLE", "AppViewModel", "Screen"]

TITLE = "Seen & Heard"  # the window title never names a child
log = logging.getLogger(__name__)


class Screen(StrEnum):
    ENROL = "enrol"
    UNLOCK = "unlock"
    CASELOAD = "caseload"
    CHILD = "child"
    VISIT = "visit"
    SYNC = "sync"
    SETTINGS = "settings"
    AMEND = "amend"
    ESCALATION = "escalation"


@dataclass
class _Resume:
    visit_id: UUID
    page: Page
    raw: dict[str, str] = field(default_factory=dict)
    day: date | None = None


class AppViewModel(Observable):
    def __init__(
        self,
        *,
        session: Session,
        clock: Callable[[], float] = time.monotonic,
        auto_sync_s: float | None = 60.0,
    ) -> None:
        """`auto_sync_s`: sync at unlock and then this often in the background; None: only when
        asked (tests drive sync by hand)."""
        super().__init__()
        self.session = session
        self._clock = clock
        self._auto_sync_s = auto_sync_s
        self.screen = Screen.UNLOCK
        self.message = ""
        self.enrol: EnrolViewModel | None = None
        self.unlock = UnlockViewModel(session=session, on_unlocked=self._unlocked, clock=clock)
        self.services: AppServices | None = None
        self.caseload: CaseloadViewModel | None = None
        self.child: ChildViewModel | None = None
        self.recorder: VisitRecorder | None = None
        self.sync: SyncViewModel | None = None
        self.settings: SettingsViewModel | None = None
        self.amend: AmendViewModel | None = None
        self.escalation: EscalationViewModel | None = None
        self.drafts: list[Visit] = []
        self.escalations_due: list[DueLine] = []  # the caseload's prompts to record one
        self._resume: _Resume | None = None
        self.pending_route = ""  # an address asked for while locked: opened after unlock

    def start(self) -> None:
        if self.session.is_enrolled:
            self.screen = Screen.UNLOCK
        else:
            self.enrol = EnrolViewModel(session=self.session, on_enrolled=self._enrolled)
            self.screen = Screen.ENROL
        self.notify()

    def _enrolled(self) -> None:
        self.enrol = None
        self._unlocked() if self.session.is_unlocked else self._show(Screen.UNLOCK)

    def _unlocked(self) -> None:
        services = self.session.services()
        self.services = services
        self.caseload = CaseloadViewModel(caseload=services.caseload)
        self.caseload.load()
        self.sync = SyncViewModel(sync=services.sync, describe=self.describe_record)
        self.sync.refresh()
        self.settings = SettingsViewModel(session=self.session, on_lock=self.lock)
        self._load_drafts()
        self.message = ""
        if self._auto_sync_s is not None:
            try:
                services.sync.start_auto(interval_s=self._auto_sync_s, on_change=self._sync_changed)
            except Exception as exc:
                self.message = plain_words(exc)
        resume, self._resume = self._resume, None
        pending, self.pending_route = self.pending_route, ""
        if resume is not None and self._reopen(resume):
            return
        self._show(Screen.CASELOAD)
        if pending:
            open_route(self, pending)

    def _sync_changed(self, _progress: SyncProgress) -> None:
        """From the auto-sync thread: refresh the sync and caseload screens' data. Each tells
        its own view (if shown); a visit being recorded is not redrawn under the practitioner."""
        sync, caseload = self.sync, self.caseload
        if sync is not None:
            sync.refresh()
        if caseload is not None:
            caseload.load()

    def _load_drafts(self) -> None:
        if self.services is None:
            return
        try:
            self.drafts = list(self.services.visits.drafts())
            escalations = self.services.escalations
            self.escalations_due = due_lines(escalations, escalations.now())
        except Exception as exc:
            self.message = plain_words(exc)

    def _show(self, screen: Screen) -> None:
        self.screen = screen
        self.notify()

    # Activity and locking
    def touch(self) -> None:
        if self.session.is_unlocked:
            self.session.touch()

    def tick(self) -> None:
        """About once a second: save a paused draft; lock if idle."""
        if self.recorder is not None:
            self.recorder.tick()
        if self.services is not None and self.session.lock_if_idle():
            self._after_lock(flushed=False)

    def lock(self) -> None:
        if self.recorder is not None:
            self.recorder.save()
        self.session.lock()
        self._after_lock(flushed=True)

    def _after_lock(self, *, flushed: bool) -> None:
        recorder = self.recorder
        if recorder is not None and not recorder.locked:
            self._resume = _Resume(
                recorder.visit.visit_id, recorder.page, dict(recorder.raw), recorder.day
            )
            if not flushed and recorder.dirty:
                log.warning("draft changes were pending when the app locked")
        if self.services is not None:
            try:
                self.services.sync.stop_auto()
            except Exception as exc:
                log.info("stopping auto sync failed: %s", type(exc).__name__)
        self.services = None
        self.caseload = self.child = self.recorder = self.sync = self.settings = self.amend = None
        self.escalation = None
        self.drafts, self.escalations_due = [], []
        self.unlock = UnlockViewModel(
            session=self.session, on_unlocked=self._unlocked, clock=self._clock
        )
        self.message = "Locked to keep records safe. Unlock to carry on where you were."
        self._show(Screen.UNLOCK)

    # Navigation
    def go_caseload(self) -> None:
        self.leave_visit()
        self.child = self.escalation = None
        if self.caseload is not None:
            self.caseload.load()
        self._load_drafts()
        self._show(Screen.CASELOAD)

    def leave_visit(self) -> None:
        """The visit being recorded is saved and put down (another screen is opening)."""
        if self.recorder is not None:
            self.recorder.save()
        self.recorder = None

    def close_visit(self) -> None:
        """Back from a visit's first step: to the child it was started from, else the caseload."""
        self.leave_visit()
        self._back_to_child()

    def _back_to_child(self) -> None:
        """To the child this screen was opened from (refreshed), else the caseload."""
        self._load_drafts()
        if self.child is not None:
            self.child.load()
            self._show(Screen.CHILD)
        else:
            self.go_caseload()

    def open_child(self, child_id: UUID) -> None:
        if self.caseload is None or self.services is None:
            return
        row = self.caseload.row(child_id)
        if row is None:
            return
        self.child = ChildViewModel(
            caseload=self.services.caseload,
            row=row,
            household=self.caseload.household(child_id),
            on_start_visit=self.start_visit,
            escalations=self.services.escalations,
            now=self.services.escalations.now,
            on_escalate=self.open_escalation,
        )
        self.child.load()
        self._show(Screen.CHILD)

    def open_escalation(self, visit_id: UUID | None = None) -> None:
        """The escalation form, from a prompt on the caseload or a child: that visit chosen."""
        if self.services is None:
            return
        escalations = self.services.escalations
        self.escalation = EscalationViewModel(escalations=escalations, clock=escalations.now)
        self.escalation.load()
        if visit_id is not None:
            self.escalation.start(visit_id)
        self._show(Screen.ESCALATION)

    def close_escalation(self) -> None:
        """Back where the practitioner came from: the child (refreshed), or the caseload."""
        self.escalation = None
        self._back_to_child()

    def start_visit(self, child_ids: list[UUID]) -> None:
        if self.services is None:
            return
        try:
            visit = self.services.visits.start(child_ids=child_ids)
        except Exception as exc:
            self.message = plain_words(exc)
            self.notify()
            return
        self._open_recorder(visit)

    def open_draft(self, visit_id: UUID) -> None:
        self._reopen(_Resume(visit_id, Page("visit")))

    def _reopen(self, resume: _Resume) -> bool:
        if self.services is None:
            return False
        try:
            visit = self.services.visits.get(resume.visit_id)
        except Exception as exc:
            self.message = plain_words(exc)
            return False
        recorder = self._open_recorder(visit)
        if recorder is None:
            return False
        recorder.raw.update(resume.raw)
        if resume.day is not None:
            recorder.day = resume.day
        if resume.page in recorder.pages:
            recorder.page = resume.page
        self.notify()
        return True

    def _open_recorder(self, visit: Visit) -> VisitRecorder | None:
        if self.services is None:
            return None
        visits = self.services.visits
        try:
            known = list(visits.known_people(visit))
            restrictions = tuple(visits.restrictions())
        except Exception as exc:
            self.message = plain_words(exc)
            known, restrictions = [], ()
        self.recorder = VisitRecorder(
            visits=visits,
            visit=visit,
            context=replace(self._context(visit, known), restrictions=restrictions),
            known_people=known,
            clock=self._clock,
            on_submitted=lambda _v: self._load_drafts(),
        )
        self._show(Screen.VISIT)
        return self.recorder

    def _rows(self) -> list[CaseloadRow]:
        return list(self.caseload.rows) if self.caseload is not None else []

    def names(self) -> dict[UUID, str]:
        return {r.child_id: r.name for r in self._rows()}

    def _context(self, visit: Visit, known: list[KnownPerson]) -> PageContext:
        names = self.names()
        by_home: dict[UUID, list[str]] = {}
        rows = {r.child_id: r for r in self._rows()}
        for c in visit.children:
            row = rows.get(c.child_id)
            if row is not None and row.household_id is not None:
                by_home.setdefault(row.household_id, []).append(row.name.split(" ")[0])
        households = tuple((str(h), "Home of " + ", ".join(n)) for h, n in by_home.items())
        people = tuple((k.person_id, k.name) for k in known)
        return PageContext(child_names=names, known_people=people, households=households)

    def draft_lines(self) -> list[tuple[UUID, str]]:
        names = self.names()
        out = []
        for d in self.drafts:
            kids = ", ".join(names.get(c.child_id, "a child") for c in d.children)
            out.append((d.visit_id, f"Draft from {d.created_on_device_at:%d %b %H:%M}: {kids}"))
        return out

    def describe_record(self, state: RecordSyncState) -> str:
        """A record on the sync screen in words the practitioner recognises: which visit, whom."""
        services = self.services
        if services is None or state.kind not in ("visit", "amendment"):
            return state.title
        try:
            visit = services.visits.get(state.record_id)
        except Exception as exc:
            log.info("record not described: %s", type(exc).__name__)
            return state.title
        words = visit_summary(visit, self.names())  # "Visit 02 Mar 2026 10:00: Otto, Wren"
        return f"Amendment to v{words[1:]}" if state.kind == "amendment" else words

    def open_sync(self) -> None:
        if self.sync is not None:
            self.sync.refresh()
        self._show(Screen.SYNC)

    def enter_new_code(self) -> None:
        """The sign-in expired (the Sync screen says so): a new enrolment code, keeping
        everything on the device; then back to Sync, which sends what is waiting."""
        self.enrol = EnrolViewModel.for_new_code(
            session=self.session, on_enrolled=self._renewed, on_cancel=self.open_sync
        )
        self._show(Screen.ENROL)

    def _renewed(self) -> None:
        self.enrol = None
        self.open_sync()

    def open_settings(self) -> None:
        self._show(Screen.SETTINGS)

    def open_amend(self) -> None:
        if self.services is None:
            return
        self.amend = AmendViewModel(visits=self.services.visits, names=self.names())
        self.amend.load()
        self._show(Screen.AMEND)
