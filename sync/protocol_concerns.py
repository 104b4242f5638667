"""The wire shapes of the concerns staff record and read at the central record (protocol.py lists
the endpoints and re-exports these; they live apart to keep protocol.py under 400 lines)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from models.base import Shape, present_in_schema
from models.checks import HAS_TEXT_SCHEMA
from models.concern import ConcernReceived, Reporter
from models.enums import ConcernChannel

__all__ = ["MAX_CONCERN_TEXT", "AcknowledgeRequest", "ConcernRequest", "ConcernView"]


MAX_CONCERN_TEXT = 20_000  # a concern staff record, verbatim: pages of it, never a whole document


class ConcernRequest(Shape):  # reporter_id (on the record, or a known person) or new details
    concern_id: UUID | None = None  # made by the caller: the same request again is a safe retry
    reporter_id: UUID | None = None
    reporter: Reporter | None = None
    channel: ConcernChannel
    received_at: datetime
    content: str = Field(max_length=MAX_CONCERN_TEXT, json_schema_extra=HAS_TEXT_SCHEMA)
    children_concerned: list[UUID] = Field(min_length=1, max_length=50)

    # Who raised it (services.concerns refuses neither), stated in the OpenAPI document.
    __get_pydantic_json_schema__ = present_in_schema(
        {"reporter_id": "string", "reporter": "object"}, exactly_one=False
    )


class AcknowledgeRequest(Shape):
    action_taken: str = Field(
        max_length=MAX_CONCERN_TEXT, json_schema_extra=HAS_TEXT_SCHEMA
    )  # never empty


class ConcernView(Shape):
    concern: ConcernReceived
    open: bool  # until a named person acknowledges it
    identity_hidden: bool = False  # a confidential reporter's, from a caller who holds no child
    reports_in_window: int = 1  # the reporter's reports in the 30 days up to this one, it included
    reports_total: int = 1
