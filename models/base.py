"""The base every record shape shares: strict about unknown fields, JSON-friendly, and holding only
what every database and JSON encoder can store.

Text may not hold a NUL character or half of a surrogate pair (PostgreSQL refuses both, and no
UTF-8 encoder writes a lone surrogate); whole numbers must fit in 64 bits. The check runs on every
field of every shape (containers and free-form `Any` values included), so a device refuses such
text where it is entered and the central record refuses it per item, naming the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

__all__ = ["MAX_INT", "MAX_REVISION", "Shape", "storable_problem", "storable_text"]

MAX_INT = 2**63 - 1  # SQLite's and PostgreSQL's bigint
MAX_REVISION = 2**31 - 1  # revisions live in 32-bit integer columns
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_PLAIN: frozenset[type] = frozenset({type(None), bool, float, UUID, date, datetime, time})


def storable_text(text: str) -> str:
    """`text` with every character that cannot be stored replaced by U+FFFD (for messages of
    our own that quote a field name a device sent)."""
    return _UNSTORABLE.sub("\ufffd", text)


def storable_problem(value: Any) -> str | None:
    """Why `value` (text, a number, or JSON-like containers of them) cannot be stored, or None.
    Shapes inside are skipped: they check themselves."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return "this text contains a NUL character, which cannot be stored: remove it"
        return "this text contains a broken character (half of a surrogate pair): type it again"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if -MAX_INT <= value <= MAX_INT else "this number is too large"
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for v in value if (p := storable_problem(v)) is not None), None)
    if isinstance(value, dict):
        for key, item in value.items():
            problem = storable_problem(key) or storable_problem(item)
            if problem is not None:
                return problem
    return None


class Shape(BaseModel):
    # extra="forbid": a misspelt field from a device or the network is an error, never silently lost.
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)
    # Fields whose text is checked elsewhere: a wire envelope carrying a record that is parsed,
    # and refused per item, later (sync.protocol.PushItem).
    unchecked_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        kind = type(value)
        if kind is str:  # the common case, kept cheap: this runs for every field parsed
            if _UNSTORABLE.search(value) is None:
                return value
        elif kind in _PLAIN or isinstance(value, BaseModel | Enum):
            return value
        if info.field_name in cls.unchecked_fields:
            return value
        problem = storable_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value
