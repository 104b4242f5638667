"""What a pushed item is, checked without the database: its record, the canonical JSON its hash is
over, its identity and the recording rules. Anything wrong is Held (rejected, with the messages);
the batch (batch.py) decides the rest (dedupe, scope, effects) inside the write transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import pydantic_core

from models.amendment import Amendment
from models.base import storable_text
from models.canonical import canonical_json, canonical_text, parse_record
from models.concern import Acknowledgement, ConcernReceived
from models.enums import RecordStatus
from models.errors import RecordFormatError
from models.escalation import Escalation, check_escalation
from models.receipt import ReceiptStatus, RecordKind
from models.rules import check_concern, check_visit, dated_after
from models.task import TaskDone, done_problem
from models.visit import Visit
from sync import protocol
from sync.protocol import PushItem
from sync.server.db import JsonText
from sync.server.services.common import Actor

__all__ = [
    "MODELS",
    "Held",
    "Parsed",
    "Record",
    "as_received",
    "future_dated",
    "held",
    "parse_item",
    "rejected",
]

Record = Visit | Amendment | ConcernReceived | Acknowledgement | Escalation | TaskDone
MODELS: dict[RecordKind, type[Record]] = {
    RecordKind.VISIT: Visit,
    RecordKind.AMENDMENT: Amendment,
    RecordKind.CONCERN: ConcernReceived,
    RecordKind.ACKNOWLEDGEMENT: Acknowledgement,
    RecordKind.ESCALATION: Escalation,
    RecordKind.TASK_DONE: TaskDone,
}


@dataclass
class Held:
    status: ReceiptStatus
    code: str
    problems: list[str]


def held(status: ReceiptStatus, code: str, *problems: str) -> Held:
    # A message may quote a field name the device sent: kept storable (and JSONB-safe).
    return Held(status, code, [storable_text(p) for p in problems])


def rejected(code: str, *problems: str) -> Held:
    return held(ReceiptStatus.REJECTED, code, *problems)


@dataclass(frozen=True)
class Parsed:
    record: Record
    canonical: JsonText  # the canonical JSON item.content_hash is over: stored as the body


def parse_item(
    item: PushItem, actor: Actor, *, now: datetime, future_allowance: timedelta
) -> Parsed | Held:
    """Everything that can be checked without the database."""
    parsed = _record_of(item)
    if isinstance(parsed, Held):
        return parsed
    record = parsed.record
    wrong = _identity_problem(item, record, actor)
    if wrong is not None:
        return wrong
    if isinstance(record, Visit):
        future = future_dated(record, now=now, allowance=future_allowance)
        if future is not None:
            return future
        check = check_visit(record)
        if not check.ok:
            return rejected(protocol.RECORD_RULES_FAILED, *(p.message for p in check.problems))
    elif isinstance(record, ConcernReceived):
        check = check_concern(record)
        if not check.ok:
            return rejected(protocol.RECORD_RULES_FAILED, *(p.message for p in check.problems))
    elif isinstance(record, Escalation):
        if record.at > now + future_allowance:
            return rejected(
                protocol.RECORD_FUTURE_DATED,
                "This escalation is dated in the future: check the device's clock. It is kept; "
                "tell your manager.",
            )
        check = check_escalation(record)
        if not check.ok:
            return rejected(protocol.RECORD_RULES_FAILED, *(p.message for p in check.problems))
    elif isinstance(record, TaskDone):
        if record.at > now + future_allowance:
            return rejected(
                protocol.RECORD_FUTURE_DATED,
                "This task is marked done in the future: check the device's clock. It is kept.",
            )
        problem = done_problem(record.what_was_done)
        if problem is not None:
            return rejected(protocol.RECORD_RULES_FAILED, problem)
    return parsed


def _record_of(item: PushItem) -> Parsed | Held:
    """The record, and the canonical JSON its content_hash is the sha256 of (stored as its body).

    Sent as body_json, the text is that canonical JSON: hashed, parsed and stored as it is, with
    no decoding and encoding again. Sent as body (a JSON object), the body with its keys sorted
    is the text the device hashed, when the device made the body with record.model_dump(mode=
    "json") as models.canonical does; should it not (another app version, say), the parsed
    record's own canonical JSON must match the hash instead, as it always had to."""
    model = MODELS[item.kind]
    if item.body_json is not None:
        try:
            text = item.body_json.encode()
        except UnicodeEncodeError:  # a lone surrogate: no hash can match; name the field
            return _unencodable(model, item.body_json)
        try:
            record = parse_record(model, text)
        except RecordFormatError as exc:
            return rejected(protocol.RECORD_INVALID, *exc.messages)
        if hashlib.sha256(text).hexdigest() != item.content_hash:
            return _damaged()
        return Parsed(record, JsonText(item.body_json))
    assert item.body is not None
    try:
        record = parse_record(model, item.body)
    except RecordFormatError as exc:
        return rejected(protocol.RECORD_INVALID, *exc.messages)
    try:
        sent = canonical_text(item.body).encode()
        if hashlib.sha256(sent).hexdigest() == item.content_hash:
            return Parsed(record, JsonText(sent.decode()))
    except (ValueError, UnicodeEncodeError):  # not plain JSON text: the parsed record decides
        pass
    own = canonical_json(record)
    if hashlib.sha256(own).hexdigest() == item.content_hash:
        return Parsed(record, JsonText(own.decode()))
    return _damaged()


def _unencodable(model: type[Record], text: str) -> Held:
    try:
        parse_record(model, json.loads(text))
    except (ValueError, RecordFormatError) as exc:
        messages = exc.messages if isinstance(exc, RecordFormatError) else []
        return rejected(protocol.RECORD_INVALID, *(messages or ["record: this is not valid text"]))
    return rejected(protocol.RECORD_INVALID, "record: this is not valid text")


def as_received(item: PushItem) -> JsonText:
    """What a held item's body is kept as: the JSON the device sent, or (when that text is not
    JSON at all) the text itself, as a JSON string. Nothing a device sent is dropped: a NUL or a
    lone surrogate is kept as its JSON escape (\\u0000, \\ud800), which every database stores."""
    if item.body is not None:
        try:
            return JsonText(pydantic_core.to_json(item.body).decode())
        except pydantic_core.PydanticSerializationError:  # a lone surrogate: escape it
            return JsonText(json.dumps(item.body, default=str))
    assert item.body_json is not None
    try:
        item.body_json.encode()
        if "\x00" not in item.body_json:
            pydantic_core.from_json(item.body_json, allow_inf_nan=False)
            return JsonText(item.body_json)
    except ValueError:  # not JSON, or not UTF-8 text: kept as a JSON string, escaped
        pass
    return JsonText(json.dumps(item.body_json))


def future_dated(visit: Visit, *, now: datetime, allowance: timedelta) -> Held | None:
    """A visit dated after the central record's clock (plus a device clock's allowance) would
    pin the child's "last seen" in the future: refused, kept, and shown to the practitioner."""
    if dated_after(visit, now + allowance):
        return rejected(
            protocol.RECORD_FUTURE_DATED,
            "This visit is dated in the future: check the device's clock. The visit is kept; "
            "tell your manager.",
        )
    return None


def _damaged() -> Held:
    return rejected(
        protocol.SYNC_HASH_MISMATCH,
        "The record arrived damaged (its content does not match its hash). It is kept on the "
        "central record; tell your administrator.",
    )


def _identity_problem(item: PushItem, record: Record, actor: Actor) -> Held | None:
    def invalid(message: str) -> Held:
        return rejected(protocol.RECORD_INVALID, message)

    forbidden = rejected(
        protocol.RECORD_FORBIDDEN,
        "This record names another practitioner or organisation as its author: only your own "
        "records can be sent from this device.",
    )
    if getattr(record, "device_id", None) not in (None, actor.device_id):
        return rejected(
            protocol.RECORD_WRONG_DEVICE,
            "This record says it was made on another device: a record can only be sent from "
            "the device it was made on.",
        )
    if isinstance(record, Visit):
        if record.visit_id != item.record_id:
            return invalid("The visit id does not match the record id.")
        if item.revision != 1 or record.revision != 1 or item.base_revision is not None:
            return invalid("A visit is sent as revision 1; later revisions are amendments.")
        if record.status != RecordStatus.SUBMITTED:
            return invalid("Only a submitted visit can be sent: submit it first.")
        if (
            record.organisation_id != actor.org_id
            or record.practitioner_id != actor.practitioner_id
        ):
            return forbidden
    elif isinstance(record, Amendment):
        if record.amends_visit_id != item.record_id:
            return invalid("The amendment is for a different visit than the record id.")
        if (
            item.base_revision != record.amends_revision
            or item.revision != record.amends_revision + 1
        ):
            return invalid("An amendment is sent as the revision after the one it amends.")
        if record.author_id != actor.practitioner_id:
            return forbidden
    elif isinstance(record, ConcernReceived | Escalation | TaskDone):
        own_id, author, what = _first_revision_identity(record)
        if own_id != item.record_id:
            return invalid(f"The {what} id does not match the record id.")
        if item.revision != 1 or item.base_revision is not None:
            return invalid(f"A {what} is sent as revision 1.")
        if author not in (None, actor.practitioner_id):
            return forbidden
    else:
        if item.base_revision is None or item.revision != item.base_revision + 1:
            return invalid("An acknowledgement is sent as the revision after the concern's.")
        if record.by_practitioner_id != actor.practitioner_id:
            return forbidden
    return None


def _first_revision_identity(
    record: ConcernReceived | Escalation | TaskDone,
) -> tuple[UUID, UUID | None, str]:
    """A record sent once, as revision 1: its own id, its author (None: a concern may be taken
    by anyone) and what to call it."""
    if isinstance(record, ConcernReceived):
        return record.concern_id, None, "concern"
    if isinstance(record, Escalation):
        return record.escalation_id, record.practitioner_id, "escalation"
    return record.task_id, record.by_practitioner_id, "task done"
