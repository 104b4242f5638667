"""The base every record shape shares: strict about unknown fields, JSON-friendly, and holding only
what every database and JSON encoder can store.

Text may not hold a NUL character or half of a surrogate pair (PostgreSQL refuses both, and no
UTF-8 encoder writes a lone surrogate); whole numbers must fit in 64 bits. The check runs on every
field of every shape (containers and free-form `Any` values included), so a device refuses such
text where it is entered and the central record refuses it per item, naming the field.

It is part of each shape's validation schema (Shape.__get_pydantic_core_schema__): a pattern on
every text, bounds on every whole number, both checked inside pydantic-core; only free-form `Any`
values are walked in Python. A Python check on every field cost three times the rest of a
visit's validation. `storable_words` says what such a refusal means, in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

__all__ = [
    "MAX_INT",
    "MAX_REVISION",
    "STORABLE_SCHEMA_PATTERN",
    "Shape",
    "error_words",
    "present_in_schema",
    "storable_problem",
    "storable_text",
    "storable_words",
]

MAX_INT = 2**63 - 1  # SQLite's and PostgreSQL's bigint
MAX_REVISION = 2**31 - 1  # revisions live in 32-bit integer columns
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


_NUL_WORDS = "this text contains a NUL character, which cannot be stored: remove it"
_SURROGATE_WORDS = "this text contains a broken character (half of a surrogate pair): type it again"
_TOO_LARGE_WORDS = "this number is too large"


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
        return _NUL_WORDS if found.group() == "\x00" else _SURROGATE_WORDS
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if -MAX_INT <= value <= MAX_INT else _TOO_LARGE_WORDS
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
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)
    # Fields whose text is checked elsewhere: a wire envelope carrying a record that is parsed,
    # and refused per item, later (sync.protocol.PushItem).
    unchecked_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        fields = schema.get("schema", {}) if schema.get("type") == "model" else schema
        for name, field in fields.get("fields", {}).items():
            if name not in cls.unchecked_fields:
                _storable_schema(field)
        return schema


def _check_any(value: Any) -> Any:
    problem = storable_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _storable_schema(node: Any) -> None:
    """Make this part of a validation schema refuse what cannot be stored: a pattern on text,
    bounds on whole numbers, a walk of free-form values. Another shape's schema is its own."""
    if isinstance(node, list):
        for item in node:
            _storable_schema(item)
        return
    if not isinstance(node, dict) or node.get("type") in ("model", "definition-ref"):
        return
    kind = node.get("type")
    if kind == "str" and "pattern" not in node:
        node["pattern"] = STORABLE_SCHEMA_PATTERN
    elif kind == "int":
        node.setdefault("le", MAX_INT)
        node.setdefault("ge", -MAX_INT)
    elif kind == "any":
        node.clear()
        node.update(
            core_schema.no_info_after_validator_function(_check_any, core_schema.any_schema())
        )
        return
    for key, value in node.items():
        if key not in ("metadata", "serialization", "ref") and isinstance(value, dict | list):
            _storable_schema(value)


def error_words(error: Mapping[str, Any]) -> str:
    """What one pydantic error says, in plain words where it is the storable rule's."""
    return storable_words(error) or str(error.get("msg", "not valid")).removeprefix("Value error, ")


def storable_words(error: Mapping[str, Any]) -> str | None:
    """The plain words for a pydantic error that the storable rule raised, else None."""
    kind, ctx = error.get("type"), error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == STORABLE_SCHEMA_PATTERN:
        return _NUL_WORDS
    if kind == "string_unicode":
        return _SURROGATE_WORDS
    if (
        kind in ("less_than_equal", "greater_than_equal")
        and abs(ctx.get("le", ctx.get("ge", 0))) == MAX_INT
    ):
        return _TOO_LARGE_WORDS
    return None
