"""A chronology as a JSON-ready document: the export's JSON, and what its PDF is drawn from."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sync.server.services.chronology.read import ExportPurpose
from sync.server.services.chronology.shapes import Chronology

__all__ = ["as_document"]

FORMAT = "seen-and-heard.child-record.v1"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def as_document(
    chronology: Chronology, *, purpose: ExportPurpose, purpose_text: str, by: str, at: datetime
) -> dict[str, Any]:
    """The export: why, by whom and when it was made, then the whole chronology (newest first,
    each correction with the original values beside the amended ones)."""
    body = _plain(dataclasses.asdict(chronology))
    body.pop("kinds", None)
    return {
        "format": FORMAT,
        "exported": {
            "purpose": purpose.value,
            "purpose_words": purpose.words,
            "purpose_text": purpose_text,
            "by": by,
            "at": at.isoformat(),
            "redaction": "Confidential reporters' identities are redacted.",
        },
        "child": body,
    }
