"""Drafts: listed to carry on or discard (discarding is confirmed), and one per household: starting
a visit where a draft exists offers to resume it or discard it, unless asked for another.

The drafts themselves live in the encrypted store; this holds which one is offered or being
confirmed, and words for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.ui.viewmodels.base import Observable, plain_words
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.visits import VisitService

__all__ = ["DraftLine", "DraftOffer", "DraftsViewModel", "draft_for"]


@dataclass(frozen=True)
class DraftLine:
    visit_id: UUID
    text: str  # "Draft from 01 Dec 10:00: Ada Testwood, Ben Testwood"


@dataclass(frozen=True)
class DraftOffer:
    """Starting a visit for `child_ids` where `draft` already exists for their household."""

    draft: DraftLine
    child_ids: tuple[UUID, ...]


def draft_for(
    drafts: Iterable[Visit], child_ids: Iterable[UUID], household_of: Mapping[UUID, UUID | None]
) -> Visit | None:
    """The newest draft for the same household as `child_ids` (a child in common, or a child
    of the same household), or None."""
    wanted = set(child_ids)
    homes = {household_of.get(c) for c in wanted} - {None}
    newest = sorted(drafts, key=lambda d: d.created_on_device_at, reverse=True)
    for draft in newest:
        theirs = {c.child_id for c in draft.children}
        if theirs & wanted or {household_of.get(c) for c in theirs} & homes:
            return draft
    return None


class DraftsViewModel(Observable):
    def __init__(
        self,
        *,
        visits: VisitService,
        names: Callable[[], Mapping[UUID, str]],
        households: Callable[[], Mapping[UUID, UUID | None]],
        on_resume: Callable[[UUID], None] = lambda _v: None,
        on_start: Callable[[list[UUID]], None] = lambda _c: None,
    ) -> None:
        """`on_resume` opens a draft; `on_start` starts a new visit for those children."""
        super().__init__()
        self._on_resume, self._on_start = on_resume, on_start
        self._visits = visits
        self._names = names
        self._households = households
        self.drafts: list[Visit] = []
        self.offer: DraftOffer | None = None
        self.confirming_discard: UUID | None = None
        self.error = ""
        self.message = ""

    def load(self) -> None:
        try:
            self.drafts = sorted(
                self._visits.drafts(), key=lambda d: d.created_on_device_at, reverse=True
            )
        except Exception as exc:
            self.error = plain_words(exc)
        else:
            self.error = ""
        self.notify()

    def line(self, draft: Visit) -> DraftLine:
        names = self._names()
        kids = ", ".join(names.get(c.child_id, "a child") for c in draft.children)
        return DraftLine(
            draft.visit_id, f"Draft from {draft.created_on_device_at:%d %b %H:%M}: {kids}"
        )

    def lines(self) -> list[DraftLine]:
        return [self.line(d) for d in self.drafts]

    # One per household
    def offer_for(self, child_ids: list[UUID]) -> DraftOffer | None:
        """Before a new visit: the draft to offer instead, if the household has one."""
        found = draft_for(self.drafts, child_ids, self._households())
        self.offer = DraftOffer(self.line(found), tuple(child_ids)) if found else None
        self.confirming_discard = None
        self.notify()
        return self.offer

    def resume_offered(self) -> None:
        if self.offer is not None:
            self._on_resume(self.offer.draft.visit_id)

    def discard_offered(self) -> None:
        """Discard the offered draft (confirmed first), then start the new visit."""
        offer = self.offer
        if offer is not None and self.discard(offer.draft.visit_id):
            self._on_start(list(offer.child_ids))

    def start_another(self) -> None:
        """A second draft for the household, asked for in so many words."""
        if self.offer is not None:
            self._on_start(list(self.offer.child_ids))

    def clear_offer(self) -> None:
        self.offer = None
        self.confirming_discard = None
        self.notify()

    # Discarding, confirmed
    def ask_discard(self, visit_id: UUID) -> None:
        self.confirming_discard = visit_id
        self.message = ""
        self.notify()

    def cancel_discard(self) -> None:
        """ "Keep it": nothing is deleted."""
        self.confirming_discard = None
        self.notify()

    def discard(self, visit_id: UUID) -> bool:
        """Deletes the draft from this device, once confirmed (asked first otherwise)."""
        if self.confirming_discard != visit_id:
            self.ask_discard(visit_id)
            return False
        try:
            self._visits.discard_draft(visit_id)
        except Exception as exc:
            self.error = plain_words(exc)
            self.notify()
            return False
        self.confirming_discard = None
        if self.offer is not None and self.offer.draft.visit_id == visit_id:
            self.offer = None
        self.message = "Draft discarded."
        self.load()
        return True
