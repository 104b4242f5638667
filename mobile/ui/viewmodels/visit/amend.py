"""Amending a submitted visit: it is never overwritten; each change keeps the old value and needs a
reason. The practitioner edits the written parts of the record here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from mobile.ui.viewmodels.base import Observable, plain_words
from models.amendment import FieldChange
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.visits import VisitService

__all__ = [
    "AMENDMENT_SAVED", "AmendViewModel", "Amendable", "amendable_fields", "refused_words",
    "visit_summary",
]  # fmt: skip


@dataclass(frozen=True)
class Amendable:
    path: str
    label: str
    old: str


def visit_summary(visit: Visit, names: dict[UUID, str]) -> str:
    when = visit.started_at or visit.created_on_device_at
    kids = ", ".join(names.get(c.child_id, "a child") for c in visit.children)
    return f"Visit {when:%d %b %Y %H:%M}: {kids}"


def amendable_fields(visit: Visit, names: dict[UUID, str]) -> list[Amendable]:
    data: dict[str, Any] = visit.model_dump(mode="json")
    out: list[Amendable] = []

    def add(path: str, text: str, value: Any) -> None:
        out.append(Amendable(path, text, "" if value is None else str(value)))

    for key, text in (
        ("location_description", "Where exactly"),
        ("no_access_notes", "What you did to find the children"),
        ("escalation_notes", "What you did and who you told"),
    ):
        add(key, text, data[key])
    for i, child in enumerate(data["children"]):
        who = names.get(visit.children[i].child_id, f"Child {i + 1}")
        for key, text in (
            ("reason_not_seen_other", "why not seen"),
            ("other_carer_address", "where staying"),
            ("reason_not_seen_alone_other", "why not seen alone"),
        ):
            add(f"children.{i}.{key}", f"{who}: {text}", child[key])
        voice = child["voice"]
        add(
            f"children.{i}.voice.wishes_and_feelings",
            f"{who}: wishes and feelings",
            voice["wishes_and_feelings"],
        )
        add(
            f"children.{i}.voice.practitioner_analysis",
            f"{who}: your analysis",
            voice["practitioner_analysis"],
        )
        for q, quote in enumerate(voice["words_verbatim"]):
            add(
                f"children.{i}.voice.words_verbatim.{q}.text",
                f"{who}: their words ({q + 1})",
                quote["text"],
            )
        for o, obs in enumerate(child["observations"]):
            category = str(obs["category"]).replace("_", " ").lower()
            add(f"children.{i}.observations.{o}.text", f"{who}: {category}", obs["text"])
    for n, person in enumerate(data["persons_present"]):
        who = person["name"] or f"Person {n + 1}"
        add(f"persons_present.{n}.name", f"{who}: name", person["name"])
    for k, arrangement in enumerate(data["care_arrangements"]):
        add(
            f"care_arrangements.{k}.pattern",
            f"Care arrangement {k + 1}: pattern",
            arrangement["pattern"],
        )
    for k, concern in enumerate(data["concerns_received"]):
        add(
            f"concerns_received.{k}.content", f"Concern {k + 1}: what they said", concern["content"]
        )
    return out


AMENDMENT_SAVED = "Amendment saved. It goes to the central record at the next sync."


def refused_words(exc: BaseException) -> str:
    """Why an amendment was not saved: the plain words, and each rule it would break."""
    words = plain_words(exc)
    check = getattr(exc, "check", None)
    if check is not None:
        words += " " + " ".join(p.message for p in check.problems)
    return words


class AmendViewModel(Observable):
    def __init__(
        self,
        *,
        visits: VisitService,
        names: dict[UUID, str],
        on_done: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._visits = visits
        self._names = names
        self._on_done = on_done
        self.submitted: list[Visit] = []
        self.visit: Visit | None = None
        self.edits: dict[str, str] = {}
        self.reason = ""
        self.error = ""
        self.message = ""

    def load(self) -> None:
        try:
            self.submitted = list(self._visits.submitted())
        except Exception as exc:
            self.error = plain_words(exc)
        self.notify()

    def summaries(self) -> list[tuple[UUID, str]]:
        return [(v.visit_id, visit_summary(v, self._names)) for v in self.submitted]

    def choose(self, visit_id: UUID) -> None:
        self.visit = next((v for v in self.submitted if v.visit_id == visit_id), None)
        self.edits = {}
        self.reason = ""
        self.error = self.message = ""
        self.notify()

    def fields(self) -> list[Amendable]:
        return amendable_fields(self.visit, self._names) if self.visit else []

    def set_field(self, path: str, text: str) -> None:
        self.edits[path] = text

    def set_reason(self, text: str) -> None:
        self.reason = text

    def changes(self) -> list[FieldChange]:
        return [
            FieldChange(field_path=f.path, old_value=f.old, new_value=self.edits[f.path])
            for f in self.fields()
            if f.path in self.edits and self.edits[f.path] != f.old
        ]

    def save(self) -> bool:
        if self.visit is None:
            return False
        changes = self.changes()
        if not changes:
            self.error = "Change at least one answer before saving the amendment."
        elif not self.reason.strip():
            self.error = "Say why you are amending the record: the reason is kept with it."
        else:
            self.error = ""
        if self.error:
            self.notify()
            return False
        try:
            self.visit = self._visits.amend(
                visit_id=self.visit.visit_id, changes=changes, reason=self.reason.strip()
            )
        except Exception as exc:
            self.error = refused_words(exc)
            self.notify()
            return False
        self.edits = {}
        self.reason = ""
        self.message = AMENDMENT_SAVED
        self.notify()
        if self._on_done is not None:
            self._on_done()
        return True
