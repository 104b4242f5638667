"""A child's chronology and contact restrictions in words, for the child's screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.ui.viewmodels.labels import label, restriction_words
from models.enums import RecordStatus, YesNo

if TYPE_CHECKING:
    from mobile.services.caseload import ChildDetail
    from mobile.services.chronology import HistoryEntry

__all__ = ["HistoryLine", "history_line", "history_lines", "restriction_lines"]

_AMENDABLE = frozenset({RecordStatus.SUBMITTED, RecordStatus.SYNCED, RecordStatus.AMENDED})

_STATUS = {
    RecordStatus.DRAFT: "Draft, not submitted",
    RecordStatus.SUBMITTED: "Submitted",
    RecordStatus.SYNCED: "Submitted",
    RecordStatus.AMENDED: "Submitted, then amended",
}


@dataclass(frozen=True)
class HistoryLine:
    title: str  # "02 Mar 2026 10:00: seen alone"
    detail: str  # "By you. Submitted. Waiting to send to the central record."
    waiting: bool
    amend_id: UUID | None = None  # set only for this practitioner's own submitted visit
    when: str = ""  # "02 Mar 2026 10:00": names the visit on its amend button

    @property
    def spoken(self) -> str:
        return f"{self.title}. {self.detail}"

    @property
    def amend_words(self) -> str:
        """The amend button's words, its date in them: several visits' buttons read apart."""
        return f"Amend this visit, {self.when}"


def _seen_words(entry: HistoryEntry) -> str:
    if entry.seen == YesNo.YES:
        alone = {YesNo.YES: "seen alone", YesNo.NO: "seen, not alone"}
        return alone.get(entry.seen_alone, "seen") if entry.seen_alone else "seen"
    if entry.seen == YesNo.NO:
        why = label(entry.reason_not_seen).lower()
        return f"not seen: {why}" if why else "not seen"
    return "seen or not: not answered yet" if entry.status == RecordStatus.DRAFT else "visited"


def history_line(entry: HistoryEntry) -> HistoryLine:
    when = f"{entry.at:%d %b %Y %H:%M}"
    if entry.status is None:  # from the central record: a colleague's visit
        what = "seen" if entry.colleague_seen else "visited"
        return HistoryLine(f"{when}: {what}", "By a colleague (from the central record).", False)
    parts = ["By you" if entry.by_me else "By a colleague", _STATUS.get(entry.status, "")]
    if entry.outcome is not None:
        parts.append(f"Outcome: {label(entry.outcome).lower()}")
    if entry.status == RecordStatus.DRAFT:
        parts.append("Not sent: submit it first")
    elif entry.waiting:
        parts.append("Waiting to send to the central record")
    else:
        parts.append("At the central record")
    detail = ". ".join(p for p in parts if p) + "."
    mine = entry.by_me and entry.status in _AMENDABLE  # a draft is resumed, not amended
    return HistoryLine(
        f"{when}: {_seen_words(entry)}", detail, entry.waiting,
        amend_id=entry.visit_id if mine else None, when=when,
    )  # fmt: skip


def history_lines(detail: ChildDetail | None) -> list[HistoryLine]:
    """Every visit for the child, newest first (the service's order)."""
    return [history_line(e) for e in detail.history] if detail is not None else []


def restriction_lines(detail: ChildDetail | None) -> list[str]:
    """Each restriction on the child, or on an adult linked to them: who, which child, what,
    its source and until when."""
    if detail is None:
        return []
    names = detail.restricted_names
    out = []
    for r in detail.restrictions:
        who = names.get(r.person_id, "someone not on this device")
        child = names.get(r.child_id, "a child not on this device")
        out.append(restriction_words(r, who, child))
    return out
