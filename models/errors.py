"""The domain's error tree. The UI maps each to plain words in one place.

RecordError
├── RecordFormatError   data that is not a well-formed record (bad type, unknown value or field)
├── RecordLocked        an edit to a record that is no longer a draft
├── SubmissionBlocked   submission refused: the record breaks recording rules (.check lists them)
└── AmendmentRejected   an amendment breaks the amendment rules (.check lists them)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.rules import Check

__all__ = [
    "AmendmentRejected",
    "RecordError",
    "RecordFormatError",
    "RecordLocked",
    "SubmissionBlocked",
]


class RecordError(Exception):
    """Base of every domain error."""


class RecordFormatError(RecordError, ValueError):
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


class RecordLocked(RecordError):
    def __init__(self, what: str = "This visit") -> None:
        super().__init__(
            f"{what} has been submitted and is locked. To correct it, add an amendment with a reason."
        )


class _CheckFailed(RecordError):
    def __init__(self, check: Check, lead: str) -> None:
        self.check = check
        super().__init__(f"{lead} " + " ".join(p.message for p in check.problems))


class SubmissionBlocked(_CheckFailed):
    def __init__(self, check: Check) -> None:
        super().__init__(check, "This visit cannot be submitted yet:")


class AmendmentRejected(_CheckFailed):
    def __init__(self, check: Check) -> None:
        super().__init__(check, "This amendment cannot be made:")
