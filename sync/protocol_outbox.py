"""What a device says it holds unsent, on every request it makes (protocol.py's OUTBOX_HEADER):
how many records are in its outbox and quarantine, and how long ago the oldest was saved, by the
device's own clock (an age, not a time: a device clock set wrong does not skew it). The central
record keeps the latest on the device's row, so a device that has gone quiet shows, the same day,
with what it was holding.

    Seen-Outbox: held=3; oldest=7200        (seconds; oldest=0 when nothing is held)

A header that is not of this form, or whose numbers are out of range, is refused 422
`sync.outbox_invalid` (protocol.SYNC_OUTBOX_INVALID); the device makes it with `measure`, which
keeps within range, so only a broken or hostile client meets that.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import Field, ValidationError

from models.base import Shape

__all__ = ["MAX_OUTBOX_AGE_S", "MAX_OUTBOX_HELD", "OUTBOX_HEADER", "PATTERN", "OutboxReport"]

OUTBOX_HEADER = "Seen-Outbox"
# The limits are the largest numbers of 6 and 9 digits, so the header's form alone (PATTERN, stated
# in the OpenAPI document) says what is accepted.
MAX_OUTBOX_HELD = 999_999  # far past any phone's outbox, well inside a 32-bit column
MAX_OUTBOX_AGE_S = 999_999_999  # about 31 years: a device clock that says more is wrong
PATTERN = r"^ *held=[0-9]{1,6}; oldest=[0-9]{1,9} *$"
_FORM = re.compile(r"held=(\d{1,6}); oldest=(\d{1,9})", re.ASCII)


class OutboxReport(Shape):
    held: int = Field(ge=0, le=MAX_OUTBOX_HELD)
    oldest_age_s: int = Field(default=0, ge=0, le=MAX_OUTBOX_AGE_S)

    @classmethod
    def measure(cls, *, held: int, oldest_at: datetime | None, now: datetime) -> OutboxReport:
        """The report of an outbox holding `held` records, the oldest saved at `oldest_at`."""
        age = 0 if oldest_at is None or not held else int((now - oldest_at).total_seconds())
        return cls(
            held=min(max(held, 0), MAX_OUTBOX_HELD),
            oldest_age_s=min(max(age, 0), MAX_OUTBOX_AGE_S),
        )

    def header(self) -> str:
        return f"held={self.held}; oldest={self.oldest_age_s}"

    @classmethod
    def parse(cls, text: str) -> OutboxReport:
        """The report in a header's text. Raises ValueError when it is not one."""
        found = _FORM.fullmatch(text.strip())
        if found is None:
            raise ValueError("not an outbox report")
        try:
            return cls(held=int(found.group(1)), oldest_age_s=int(found.group(2)))
        except ValidationError:
            raise ValueError("an outbox report out of range") from None
