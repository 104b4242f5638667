"""One canonical JSON form and its hash, so the device and the server agree on 'same content'."""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.base import error_words
from models.errors import RecordFormatError

__all__ = [
    "canonical_json",
    "canonical_text",
    "content_hash",
    "describe_validation_error",
    "parse_record",
]

M = TypeVar("M", bound=BaseModel)


def canonical_text(data: Any) -> str:
    """The canonical JSON of JSON-like data (a record's model_dump(mode="json"), or a plain dict):
    keys sorted, no spaces, text as it is. ValueError for NaN or infinities, which no record's
    JSON form holds. The one canonical form: content hashes are over it."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_json(record: BaseModel) -> bytes:
    return canonical_text(record.model_dump(mode="json")).encode()


def content_hash(record: BaseModel) -> str:
    return hashlib.sha256(canonical_json(record)).hexdigest()


def parse_record(model: type[M], data: str | bytes | dict[str, Any]) -> M:
    """Parse JSON text or a dict into `model`, turning pydantic's errors into plain words."""
    try:
        if isinstance(data, str | bytes):
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise RecordFormatError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One message per problem, each naming the field. Input values are left out on purpose:
    they may be personal data, and these messages reach logs and API answers."""
    messages = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "record"
        kind = error["type"]
        if kind == "extra_forbidden":
            messages.append(f"{field}: this field is not part of the record")
        elif kind == "missing":
            messages.append(f"{field}: this field is required")
        elif kind == "enum":
            allowed = error.get("ctx", {}).get("expected", "")
            messages.append(f"{field}: not one of the allowed values ({allowed})")
        else:
            messages.append(f"{field}: {error_words(error)}")
    return messages
