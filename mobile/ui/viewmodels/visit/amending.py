"""Amending a submitted visit from the visit itself, with the same steps and controls as recording.

The practitioner changes a working copy; each answer shows what was recorded beside it; the last
step lists every change (as recorded, now) and asks why, which is required. Nothing is stored
until the amendment is saved (the submitted record is never overwritten); what is changed stays
here, so a refused or failed save loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, PageContext
from mobile.ui.viewmodels.visit.amend import AMENDMENT_SAVED, refused_words
from mobile.ui.viewmodels.visit.pages import fields_for, title_for
from mobile.ui.viewmodels.visit.paths import FieldValue, get_value
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from models.amendment import FieldChange
from models.lifecycle import prune_hidden
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.visits import KnownPerson, VisitService

__all__ = ["AmendRecorder", "ChangeLine", "visit_changes"]

_SHOWN = frozenset(FieldKind) - {FieldKind.HEADER, FieldKind.HINT, FieldKind.WARNING}
_SHOWN -= {FieldKind.ACTION}


@dataclass(frozen=True)
class ChangeLine:
    where: str  # the step's title: "Tobias: seen?"
    label: str  # the question as asked: "Was Tobias seen?"
    was: str
    now: str


def visit_changes(before: Visit, after: Visit) -> list[FieldChange]:
    """Every leaf that differs between two revisions' JSON, by its dotted path; a list that
    grew or shrank is one change of the whole list."""
    out: list[FieldChange] = []
    _diff(before.model_dump(mode="json"), after.model_dump(mode="json"), "", out)
    return out


def _diff(a: Any, b: Any, path: str, out: list[FieldChange]) -> None:
    def at(key: object) -> str:
        return f"{path}.{key}" if path else str(key)

    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for key in a:
            _diff(a[key], b[key], at(key), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, at(index), out)
    elif a != b:
        out.append(FieldChange(field_path=path, old_value=a, new_value=b))


def words(spec: FieldSpec, value: FieldValue) -> str:
    """An answer as the practitioner chose it: the option's words, never its code."""
    names = dict(spec.choices)
    if isinstance(value, list):
        return ", ".join(names.get(v, v) for v in value) or "none"
    if value in (None, ""):
        return "not answered"
    return names.get(str(value), str(value))


class AmendRecorder(VisitRecorder):
    """The recorder's steps over a copy of the submitted visit; "submit" saves an amendment."""

    def __init__(
        self,
        *,
        visits: VisitService,
        original: Visit,
        context: PageContext,
        known_people: list[KnownPerson] | None = None,
        on_saved: Callable[[Visit], None] | None = None,
    ) -> None:
        super().__init__(
            visits=visits,
            visit=original.model_copy(deep=True),
            context=context,
            known_people=known_people,
        )
        self.original = original
        self.reason = ""
        self.reason_error = ""
        self.saved = False
        self._on_saved = on_saved

    amending = True  # the view shows what was recorded beside each answer

    @property
    def locked(self) -> bool:
        return self.saved

    @property
    def progress_text(self) -> str:
        return "Amending: " + super().progress_text.lower()

    def save(self) -> bool:
        """Nothing is stored until the amendment is saved: the changes stay here."""
        self.dirty = False
        return True

    def was(self, path: str) -> FieldValue:
        """What the submitted record says for `path`, for showing beside the answer now."""
        if path == "when.date":
            day = (self.original.started_at or self.original.created_on_device_at).date()
            return f"{day:%d/%m/%Y}"
        try:
            return get_value(self.original, path)
        except Exception:  # a part added since (a new person): nothing was recorded
            return None

    @property
    def title(self) -> str:
        return "Check and save the amendment" if self.page.is_review else super().title

    def set_reason(self, text: str) -> None:
        self.reason = text
        if text.strip():
            self.reason_error = ""

    def change_lines(self) -> list[ChangeLine]:
        """Each answer changed, step by step, as it was recorded and as it is now."""
        out = []
        for page in self.pages:
            if page.is_review:
                continue
            for spec in fields_for(page, self.visit, self.context):
                if spec.kind not in _SHOWN:
                    continue
                was, now = words(spec, self.was(spec.path)), words(spec, self.value(spec.path))
                if was != now:
                    out.append(
                        ChangeLine(title_for(page, self.visit, self.context), spec.label, was, now)
                    )
        return out

    def submit(self) -> bool:
        """Save the amendment: at least one change, and why (required)."""
        if self.saved:
            return False
        changes = visit_changes(self.original, prune_hidden(self.visit))
        self.error = ""
        if not changes:
            self.error = "Nothing has changed yet: change an answer, then save the amendment."
        if not self.reason.strip():
            self.reason_error = "Say why you are amending the record: the reason is kept with it."
        if self.error or self.reason_error or self.field_errors:
            if self.field_errors:
                self.error = "Some answers could not be read: fix the ones marked first."
            self.notify()
            return False
        try:
            amended = self._visits.amend(
                visit_id=self.original.visit_id, changes=changes, reason=self.reason.strip()
            )
        except Exception as exc:
            self.error = refused_words(exc)
            self.notify()
            return False
        self.saved = True
        self.visit = amended
        self.message = AMENDMENT_SAVED
        self.notify()
        if self._on_saved is not None:
            self._on_saved(amended)
        return True
