"""The app as a whole: which screen shows, what unlocking opens, and locking when idle.

Locking flushes the draft first; the visit being recorded is reopened where it was after unlock,
with anything typed that could not yet be read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.shapes import CaseloadRow, RecordSyncState, SyncProgress
from mobile.ui.viewmodels.base import Observable, plain_words
from mobile.ui.viewmodels.caseload import CaseloadViewModel
from mobile.ui.viewmodels.child import ChildViewModel
from mobile.ui.viewmodels.drafts import DraftsViewModel
from mobile.ui.viewmodels.enrol import EnrolViewModel
from mobile.ui.viewmodels.escalation import DueLine, EscalationViewModel, due_lines
from mobile.ui.viewmodels.fields import Page, PageContext
from mobile.ui.viewmodels.routes import open_route
from mobile.ui.viewmodels.settings import SettingsViewModel
from mobile.ui.viewmodels.sync import SyncViewModel
from mobile.ui.viewmodels.unlock import UnlockViewModel
from mobile.ui.viewmodels.visit.amend import AmendViewModel, visit_summary
from mobile.ui.viewmodels.visit.amending import AmendRecorder
from mobile.ui.viewmodels.visit.context import page_context
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
    amending: Visit | None = None  # an amendment's working copy, kept in memory, never stored
    reason: str = ""


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
        self.drafts_vm: DraftsViewModel | None = None
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
        self.drafts_vm = DraftsViewModel(
            visits=services.visits,
            names=self.names,
            households=self._households,
            on_resume=self.open_draft,
            on_start=lambda ids: self.start_visit(ids, another=True),
        )
        self.drafts_vm.subscribe(self._drafts_changed)
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

    def _drafts_changed(self) -> None:
        """The caseload's list of drafts and a child's offer redraw; not mid-way to another
        screen (a redraw then would draw a screen whose view-model is gone)."""
        if (self.screen == Screen.CASELOAD and self.caseload is not None) or (
            self.screen == Screen.CHILD and self.child is not None
        ):
            self.notify()

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
            if self.drafts_vm is not None:
                self.drafts_vm.load()
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
            amending = isinstance(recorder, AmendRecorder)
            self._resume = _Resume(
                recorder.visit.visit_id,
                recorder.page,
                dict(recorder.raw),
                recorder.day,
                recorder.visit if amending else None,
                recorder.reason if isinstance(recorder, AmendRecorder) else "",
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
        self.drafts_vm, self.escalations_due = None, []
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
            on_amend=self.amend_visit,
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

    @property
    def drafts(self) -> list[Visit]:
        return list(self.drafts_vm.drafts) if self.drafts_vm is not None else []

    def start_visit(self, child_ids: list[UUID], *, another: bool = False) -> None:
        """A new visit; where the household has a draft, it is offered instead (resume or
        discard), unless the practitioner asked for another."""
        if self.services is None:
            return
        drafts = self.drafts_vm
        if drafts is not None:
            if not another and drafts.offer_for(child_ids) is not None:
                return
            drafts.clear_offer()
        try:
            visit = self.services.visits.start(child_ids=child_ids)
        except Exception as exc:
            self.message = plain_words(exc)
            self.notify()
            return
        self._open_recorder(visit)

    def open_draft(self, visit_id: UUID) -> None:
        if self.drafts_vm is not None:
            self.drafts_vm.clear_offer()
        self._reopen(_Resume(visit_id, Page("visit")))

    def discard_draft(self, visit_id: UUID) -> None:
        """From the list of drafts: confirmed first; the caseload's counts follow."""
        discarded = self.drafts_vm is not None and self.drafts_vm.discard(visit_id)
        if discarded and self.caseload is not None:
            self.caseload.load()

    def _reopen(self, resume: _Resume) -> bool:
        if self.services is None:
            return False
        try:
            visit = self.services.visits.get(resume.visit_id)
        except Exception as exc:
            self.message = plain_words(exc)
            return False
        recorder = (
            self._open_amending(visit, resume.amending, resume.reason)
            if resume.amending is not None
            else self._open_recorder(visit)
        )
        if recorder is None:
            return False
        recorder.raw.update(resume.raw)
        if resume.day is not None:
            recorder.day = resume.day
        if resume.page in recorder.pages:
            recorder.page = resume.page
        if recorder.page.is_review:  # reopened at the review: check again, never a blank page
            recorder.run_check()
        self.notify()
        return True

    def _open_recorder(self, visit: Visit) -> VisitRecorder | None:
        if self.services is None:
            return None
        context, known = self._recording_context(visit)
        self.recorder = VisitRecorder(
            visits=self.services.visits,
            visit=visit,
            context=context,
            known_people=known,
            clock=self._clock,
            on_submitted=lambda _v: self._load_drafts(),
        )
        self._show(Screen.VISIT)
        return self.recorder

    def amend_visit(self, visit_id: UUID) -> None:
        """Amend a submitted visit from the visit itself: the recording steps over a copy."""
        if self.services is None:
            return
        try:
            original = self.services.visits.get(visit_id)
        except Exception as exc:
            self.message = plain_words(exc)
            self.notify()
            return
        self._open_amending(original)

    def _open_amending(
        self, original: Visit, working: Visit | None = None, reason: str = ""
    ) -> AmendRecorder | None:
        if self.services is None:
            return None
        context, known = self._recording_context(original)
        recorder = AmendRecorder(
            visits=self.services.visits, original=original, context=context, known_people=known
        )
        if working is not None and working.revision == original.revision:
            recorder.visit, recorder.reason = working, reason
        self.recorder = recorder
        self._show(Screen.VISIT)
        return recorder

    def _recording_context(self, visit: Visit) -> tuple[PageContext, list[KnownPerson]]:
        assert self.services is not None
        visits = self.services.visits
        try:
            known = list(visits.known_people(visit))
            restrictions = tuple(visits.restrictions())
        except Exception as exc:
            self.message = plain_words(exc)
            known, restrictions = [], ()
        return page_context(self._rows(), visit, known, restrictions), known

    def _rows(self) -> list[CaseloadRow]:
        return list(self.caseload.rows) if self.caseload is not None else []

    def names(self) -> dict[UUID, str]:
        return {r.child_id: r.name for r in self._rows()}

    def _households(self) -> dict[UUID, UUID | None]:
        return {r.child_id: r.household_id for r in self._rows()}

    def draft_lines(self) -> list[tuple[UUID, str]]:
        lines = self.drafts_vm.lines() if self.drafts_vm is not None else []
        return [(line.visit_id, line.text) for line in lines]

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
