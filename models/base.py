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

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

__all__ = [
    "MAX_INT",
    "MAX_REVISION",
    "STORABLE_SCHEMA_PATTERN",
    "Shape",
    "present_in_schema",
    "storable_problem",
    "storable_text",
]

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


# The same rule as a JSON Schema (ECMA) pattern: the OpenAPI document states it on every text
# field. (A lone surrogate cannot be written in JSON text that any encoder produces.)
STORABLE_SCHEMA_PATTERN = "^[^\\u0000]*$"


def _state_storable(schema: dict[str, Any], cls: type) -> None:
    skip: frozenset[str] = getattr(cls, "unchecked_fields", frozenset())
    for name, node in schema.get("properties", {}).items():
        if name not in skip:
            _mark_text(node)


def _mark_text(node: Any) -> None:
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
        node["pattern"] = STORABLE_SCHEMA_PATTERN
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in node.get(key, ()):
            _mark_text(sub)
    for key in ("items", "additionalProperties"):
        _mark_text(node.get(key))


def present_in_schema(types: dict[str, str], *, exactly_one: bool) -> Any:
    """A shape's `__get_pydantic_json_schema__` stating that at least one, or exactly one, of the
    fields named in `types` is sent and not null (a rule its model validator enforces), so the
    OpenAPI document says so too."""
    branches = [{"required": [n], "properties": {n: {"type": t}}} for n, t in types.items()]

    def schema_of(
        cls: type, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["oneOf" if exactly_one else "anyOf"] = branches
        return schema

    return classmethod(schema_of)


class Shape(BaseModel):
    # extra="forbid": a misspelt field from a device or the network is an error, never silently lost.
    model_config = ConfigDict(
        extra="forbid", frozen=False, validate_assignment=True, json_schema_extra=_state_storable
    )
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
