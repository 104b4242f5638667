"""The wire protocol between a device and the central record: shapes, limits and error codes.

Endpoints (all JSON; every one but /healthz and /enrol needs `Authorization: Bearer <credential>`):

    GET  /healthz                       liveness, no auth
    POST /enrol                         EnrolRequest -> EnrolResponse (the credential, returned once)
    POST /devices/credential            -> CredentialResponse (a renewed credential, returned once)
    POST /sync/push                     PushRequest -> PushResponse (one Receipt per item, after commit)
    GET  /sync/changes?cursor=&limit=   -> ChangesResponse (caseload changes in commit order)
    GET  /children/{child_id}           -> ChildRecord (audited read of one child's record)
    GET  /visits/{visit_id}             -> VisitRecord (the latest revision and the revision list)
    (the shapes of these four: sync.protocol_plans)
    PUT  /v1/children/{child_id}/plan   PlanRequest -> PlanAnswer (the plan and the due dates it sets)
    GET  /v1/children/{child_id}/plan   -> PlanAnswer (due dates computed by the central record)
    POST /v1/children/{child_id}/decisions  DecisionRequest -> DecisionAnswer
    GET  /v1/children/{child_id}/decisions  -> DecisionList (oldest first; append-only)
    POST /v1/concerns, GET /v1/concerns?child_id=, GET /v1/reporters/{id}/concerns,
    POST /v1/concerns/{id}/acknowledge  a third party's concern, recorded and read by staff
    /v1/teams/{id}/flags, /v1/children/{id}/oversight, /v1/flags/{id}/seen|acknowledge|close,
    PUT /v1/children/{id}/people/{person_id}/assessment  flags read and acted on (protocol_oversight)

Every error answers `ErrorBody{code, detail}`; `code` is one of the stable constants below and
`detail` says, in plain words, what to do next. A pushed record travels as its canonical JSON
text (PushItem.body_json, the very text its content_hash is the sha256 of: the central record
hashes, parses and stores that text, never decoding and re-encoding it), or as a JSON object
(PushItem.body, as OutboxItem has it). Request bodies may be gzip-compressed
(`Content-Encoding: gzip`); both the compressed and the decompressed size are bounded by
MAX_BODY_BYTES. A device names the protocol it speaks in the PROTOCOL_HEADER; a server that cannot
speak it answers 426 `protocol.mismatch`. Every request of a device also says what it holds unsent
(protocol_outbox.OUTBOX_HEADER), which the central record keeps on the device's row.

A device's credential renews while the device is in use: once it is past half its life, answers
to /sync/push and /sync/changes carry RENEW_HEADER; the device then asks POST /devices/credential
for a new one, stores it, and uses it. The old credential keeps working until the new one has been
used once, so an answer lost on the way loses nothing.

Revocation comes in two kinds. "Lost or stolen": every request answers 401 `device.revoked`, and
the device wipes. "Retire": every request but a push answers 401 `device.retiring`; the device
pushes what it holds, then sends an empty push to say its outbox is empty, which is answered
`device.revoked`, and it wipes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field, JsonValue, model_validator

from models.base import MAX_REVISION, Shape, present_in_schema
from models.canonical import canonical_text
from models.caseload import Child, SeenData
from models.concern import ConcernReceived
from models.flags import FlagKind
from models.receipt import CaseloadChange, OutboxItem, Receipt, RecordKind
from models.visit import Visit
from sync.protocol_concerns import AcknowledgeRequest, ConcernRequest, ConcernView
from sync.protocol_oversight import FlagData

__all__ = [
    "AUTH_EXPIRED",
    "AUTH_INVALID",
    "AUTH_MISSING",
    "CONTENT_HASH_PATTERN",
    "DECISION_REFUSED",
    "DEFAULT_PAGE",
    "DEVICE_RETIRING",
    "DEVICE_REVOKED",
    "ENROL_CODE_EXPIRED",
    "ENROL_CODE_INVALID",
    "ENROL_DEVICE_KNOWN",
    "FLAG_NOT_OPEN",
    "FORBIDDEN",
    "FUTURE_ALLOWANCE",
    "HTTP_STATUS_PREFIX",
    "MAX_BODY_BYTES",
    "MAX_ITEMS",
    "MAX_PAGE",
    "NOT_FOUND",
    "ORG_SETTINGS_ID",
    "PLAN_REFUSED",
    "PROTOCOL_BAD_RESPONSE",
    "PROTOCOL_HEADER",
    "PROTOCOL_MISMATCH",
    "PROTOCOL_VERSION",
    "RATE_LIMITED",
    "RECORD_FORBIDDEN",
    "RECORD_FUTURE_DATED",
    "RECORD_INVALID",
    "RECORD_RULES_FAILED",
    "RECORD_UNKNOWN_CHILD",
    "RECORD_WRONG_DEVICE",
    "RENEW_HEADER",
    "REQUEST_BAD_ENCODING",
    "REQUEST_INVALID",
    "REQUEST_MALFORMED_JSON",
    "REQUEST_METHOD_NOT_ALLOWED",
    "REQUEST_TIMEOUT",
    "REQUEST_TOO_LARGE",
    "REQUEST_UNKNOWN_FIELD",
    "REQUEST_UNSUPPORTED_ENCODING",
    "SERVER_ERROR",
    "SERVER_UNAVAILABLE",
    "STATUS_OF",
    "SYNC_CONFLICT",
    "SYNC_CURSOR_EXPIRED",
    "SYNC_HASH_MISMATCH",
    "SYNC_MISSING_BASE",
    "SYNC_OUTBOX_INVALID",
    "SYNC_QUARANTINE_FULL",
    "SYNC_STALE_BASE",
    "TRANSPORT_NETWORK",
    "TRANSPORT_TIMEOUT",
    "AcknowledgeRequest",
    "ChangeKind",
    "ChangesResponse",
    "ChildRecord",
    "ConcernRequest",
    "ConcernView",
    "CredentialResponse",
    "EnrolRequest",
    "EnrolResponse",
    "ErrorBody",
    "FlagData",
    "FlagKind",
    "OrgSettingsData",
    "PushItem",
    "PushRequest",
    "PushResponse",
    "QuarantineData",
    "ReviewData",
    "SeenData",
    "TaskData",
    "VisitRecord",
    "VisitRevisionInfo",
]

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "Seen-Protocol"
RENEW_HEADER = "Seen-Credential-Renew"  # "due": ask POST /devices/credential for a new one
MAX_ITEMS = 100  # per push request (PouchDB and PowerSync use 100)
MAX_BODY_BYTES = 1_048_576  # 1 MiB, compressed and decompressed
DEFAULT_PAGE = 500
CONTENT_HASH_PATTERN = "^[0-9a-f]{64}$"
MAX_PAGE = 1_000
# How far past the central record's clock a visit may be dated (a device clock running a little
# fast); later than that, the visit is refused as future-dated rather than pin "last seen".
FUTURE_ALLOWANCE = timedelta(minutes=10)

# --- Stable error codes (a code may be added, never renamed) -------------------------------------
AUTH_MISSING = "auth.missing"  # 401: no Bearer credential
AUTH_INVALID = "auth.invalid"  # 401: not a credential this server issued
AUTH_EXPIRED = "auth.expired"  # 401: enrol the device again
DEVICE_REVOKED = "device.revoked"  # 401: the device must wipe its data
DEVICE_RETIRING = "device.retiring"  # 401: push what the device holds, then an empty push
ENROL_CODE_INVALID = "enrol.code_invalid"  # 400: unknown, or already used (a code works once)
ENROL_DEVICE_KNOWN = "enrol.device_known"  # 400: this device is enrolled and its sign-in works
ENROL_CODE_EXPIRED = "enrol.code_expired"  # 400: ask for a new code
FORBIDDEN = "forbidden"  # 403: outside this device's caseload
NOT_FOUND = "not_found"  # 404
PROTOCOL_MISMATCH = "protocol.mismatch"  # 426: update the app
RATE_LIMITED = "rate_limited"  # 429: wait (Retry-After)
REQUEST_MALFORMED_JSON = "request.malformed_json"  # 400
REQUEST_BAD_ENCODING = "request.bad_encoding"  # 400: Content-Encoding says gzip, body is not
REQUEST_INVALID = "request.invalid"  # 422: wrong types, missing fields, bad query
REQUEST_UNKNOWN_FIELD = "request.unknown_field"  # 422
REQUEST_TOO_LARGE = "request.too_large"  # 413
REQUEST_UNSUPPORTED_ENCODING = "request.unsupported_encoding"  # 415
REQUEST_METHOD_NOT_ALLOWED = "request.method_not_allowed"  # 405
REQUEST_TIMEOUT = "request.timeout"  # 408: headers or body too slow to arrive; send it again
SERVER_ERROR = "server.error"  # 500: nothing about the request is echoed
SERVER_UNAVAILABLE = "server.unavailable"  # 503: busy, retry after a pause
SYNC_CURSOR_EXPIRED = "sync.cursor_expired"  # 410: push the outbox, then pull from the start
# Per-item codes, in Receipt.code (the request itself succeeds with 200):
SYNC_CONFLICT = "sync.conflict"  # same id and revision, different content: kept for a person
SYNC_STALE_BASE = "sync.stale_base"  # an amendment of a revision that is no longer the latest
SYNC_MISSING_BASE = "sync.missing_base"  # amends a record the central record does not hold
SYNC_HASH_MISMATCH = "sync.hash_mismatch"  # content_hash does not match the body: quarantined
RECORD_INVALID = "record.invalid"  # the body is not a well-formed record: quarantined
RECORD_RULES_FAILED = "record.rules_failed"  # fails the recording rules: quarantined
RECORD_FORBIDDEN = "record.forbidden"  # names a child or author outside this device's scope
RECORD_UNKNOWN_CHILD = "record.unknown_child"  # names a child the central record does not hold
# The record names a device other than the one sending it: provenance is the caller's device.
RECORD_WRONG_DEVICE = "record.wrong_device"
# Dated more than FUTURE_ALLOWANCE after the central record's clock: check the device's clock.
RECORD_FUTURE_DATED = "record.future_dated"
# This device has had too many items held today: this one is refused, not stored, and stays on
# the device (in its own quarantine) to be sent again later. Audited.
SYNC_QUARANTINE_FULL = "sync.quarantine_full"
# A plan or decision staff entered that the rules refuse (a rule the organisation has not set, a
# date in the future, authorising a late assessment without a reason): the detail says why.
PLAN_REFUSED = "plan.refused"  # 422
DECISION_REFUSED = "decision.refused"  # 422
# Acting on a flag that is no longer open (closed by a person, or cleared): read it again.
FLAG_NOT_OPEN = "flag.not_open"  # 409
# The Seen-Outbox header (protocol_outbox) is not of its form: set aside and audited with this
# code, never a refusal (the request goes on; what the device said before stands).
SYNC_OUTBOX_INVALID = "sync.outbox_invalid"
# --- Client-side codes, never sent by the server: sync.client names what got no usable answer ---
TRANSPORT_TIMEOUT = "transport.timeout"  # no answer in time, after retrying: try later
TRANSPORT_NETWORK = "transport.network"  # the server could not be reached, after retrying
PROTOCOL_BAD_RESPONSE = "protocol.bad_response"  # an answer that is not the protocol: update
HTTP_STATUS_PREFIX = "http."  # + the status: a refusal without an ErrorBody (a proxy's page)

STATUS_OF: dict[str, int] = {
    AUTH_MISSING: 401,
    AUTH_INVALID: 401,
    AUTH_EXPIRED: 401,
    DEVICE_REVOKED: 401,
    DEVICE_RETIRING: 401,
    ENROL_CODE_INVALID: 400,
    ENROL_DEVICE_KNOWN: 400,
    ENROL_CODE_EXPIRED: 400,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    PROTOCOL_MISMATCH: 426,
    RATE_LIMITED: 429,
    REQUEST_MALFORMED_JSON: 400,
    REQUEST_BAD_ENCODING: 400,
    REQUEST_INVALID: 422,
    REQUEST_UNKNOWN_FIELD: 422,
    REQUEST_TOO_LARGE: 413,
    REQUEST_UNSUPPORTED_ENCODING: 415,
    REQUEST_METHOD_NOT_ALLOWED: 405,
    REQUEST_TIMEOUT: 408,
    SERVER_ERROR: 500,
    SERVER_UNAVAILABLE: 503,
    SYNC_CURSOR_EXPIRED: 410,
    SYNC_CONFLICT: 409,
    PLAN_REFUSED: 422,
    DECISION_REFUSED: 422,
    FLAG_NOT_OPEN: 409,
    SYNC_STALE_BASE: 409,  # refused: acknowledging a concern already acknowledged
    RECORD_FUTURE_DATED: 422,  # refused: a concern staff record as received in the future
}


_ERROR_CODES: list[JsonValue] = [*sorted(STATUS_OF)]


class ErrorBody(Shape):
    # One of the stable codes the server answers with (the document lists them; a client keeps
    # reading an unknown code, so a code added later breaks nothing).
    code: str = Field(json_schema_extra={"enum": _ERROR_CODES})
    detail: str


# --- Enrolment -----------------------------------------------------------------------------------
class EnrolRequest(Shape):
    code: str = Field(min_length=1, max_length=64)
    device_id: UUID  # made on the device; a device whose sign-in expired keeps its id
    # A random secret of this attempt, made on the device and kept until the answer arrives: the
    # same code, id and attempt again (an answer lost on the way) is a safe retry; without it a
    # used code is refused. Never stamped on any record, so a replay cannot present it.
    attempt: str | None = Field(default=None, min_length=16, max_length=64)
    device_label: str = Field(default="", max_length=100)
    platform: str = Field(default="", max_length=40)
    app_version: str = Field(default="", max_length=40)


class EnrolResponse(Shape):
    device_id: UUID
    credential: str  # returned once; the server keeps only its hash
    credential_expires_at: datetime
    practitioner_id: UUID
    organisation_id: str
    role: str
    team_id: UUID | None = None
    protocol_version: int = PROTOCOL_VERSION
    # The organisation's X25519 recovery public key (base64), when it has one: the device wraps
    # its data key to it, so a forgotten PIN can be recovered without losing unsynced visits.
    recovery_public_key: str | None = None


class CredentialResponse(Shape):
    credential: str  # returned once; works once used, and the old one stops working then
    credential_expires_at: datetime


# --- Push ----------------------------------------------------------------------------------------
class PushItem(Shape):
    """One pushed record: an OutboxItem whose body travels either as its canonical JSON text
    (`body_json`, what the client sends) or as a JSON object (`body`). Exactly one of the two."""

    # The record inside is checked when it is parsed, and refused per item (record.invalid), so
    # one bad character never fails the whole request.
    unchecked_fields: ClassVar[frozenset[str]] = frozenset({"body", "body_json"})

    record_id: UUID
    kind: RecordKind
    revision: int = Field(ge=1, le=MAX_REVISION)
    base_revision: int | None = Field(default=None, ge=1, le=MAX_REVISION)
    content_hash: str = Field(pattern=CONTENT_HASH_PATTERN)  # sha256, 64 lowercase hex digits
    body: dict[str, Any] | None = None
    body_json: str | None = None

    # _one_body, stated in the OpenAPI document.
    __get_pydantic_json_schema__ = present_in_schema(
        {"body": "object", "body_json": "string"}, exactly_one=True
    )

    @model_validator(mode="after")
    def _one_body(self) -> PushItem:
        if (self.body is None) == (self.body_json is None):
            raise ValueError("send the record either as body or as body_json")
        return self

    @classmethod
    def of(cls, item: OutboxItem) -> PushItem:
        """The item as the client sends it: its body as canonical JSON text."""
        return cls(
            record_id=item.record_id,
            kind=item.kind,
            revision=item.revision,
            base_revision=item.base_revision,
            content_hash=item.content_hash,
            body_json=canonical_text(item.body),
        )


class PushRequest(Shape):
    device_id: UUID | None = None
    items: list[PushItem] = Field(max_length=MAX_ITEMS)


class PushResponse(Shape):
    receipts: list[Receipt]  # one per item, in request order
    max_server_seq: int = 0  # read-your-writes: "synced" once the pull cursor reaches this


# --- Pull ----------------------------------------------------------------------------------------
class ChangeKind(StrEnum):
    """CaseloadChange.kind. `data` is the named shape, JSON-dumped."""

    CHILD = "child"  # models.caseload.Child (links included); deleted=True: purge the child
    HOUSEHOLD = "household"  # models.caseload.Household
    PERSON = "person"  # models.caseload.Person
    RESTRICTION = "restriction"  # models.caseload.ContactRestriction on a linked adult
    CONCERN = "concern"  # models.concern.ConcernReceived: shown until acknowledgement is set
    SEEN = "seen"  # SeenData: when the child was last visited and last seen
    FLAG = "flag"  # FlagData: something a manager (and the allocated worker) must see
    QUARANTINE = "quarantine"  # QuarantineData: an item held as conflict or rejected
    REVIEW = "review"  # ReviewData: a record received from a device after it was revoked
    ESCALATION = "escalation"  # models.escalation.Escalation, for each child it names
    TASK = "task"  # TaskData: a manager sent something back to the worker; deleted=True: done
    # OrgSettingsData: the organisation's oversight settings, one row (ORG_SETTINGS_ID) for every
    # practitioner of the org when they change, and first on a pull from the start. An older
    # device stores it like any row and keeps its defaults: additive, so the version stays.
    ORG_SETTINGS = "org_settings"


# The one entity id of the org_settings row: a device belongs to one organisation.
ORG_SETTINGS_ID = UUID("5f0c1d2e-0000-4000-8000-00000000a001")


class OrgSettingsData(Shape):
    """The organisation's own timescales, closures and limits (the JSON that
    models.oversight.settings.settings_from_dict reads; None: the defaults)."""

    settings: dict[str, Any] | None = None


class QuarantineData(Shape):
    record_id: UUID
    revision: int
    kind: str
    status: str  # "conflict" or "rejected"
    code: str
    problems: list[str] = Field(default_factory=list)
    practitioner_id: UUID
    received_at: datetime
    # The feed carries one row per device and record (the latest held item), not every item.
    device_id: UUID | None = None
    held_count: int = 1  # items of this record held from this device so far


class ReviewData(Shape):
    """A record that reached the central record from a device after the device was revoked (to
    retire it): accepted, and marked for a manager to look at."""

    record_id: UUID
    revision: int
    kind: str
    device_id: UUID
    practitioner_id: UUID
    reason: str  # "made_before_revocation" | "made_after_revocation" | "made_at_unknown_time"
    made_at: datetime | None = None  # created_on_device_at, when the record has one
    revoked_at: datetime
    received_at: datetime


class TaskData(Shape):
    """Something a manager or duty worker sent back to the worker from the review queue, with
    what to do: shown on the child in the worker's caseload until it is done (the worker pushes
    models.task.TaskDone as record kind task_done; the feed then deletes the task)."""

    task_id: UUID
    child_id: UUID
    about: str  # what was reviewed: "visit" | "escalation" | "conflict" | "rejected"
    about_id: UUID  # the visit, escalation or held record
    what_to_do: str
    set_by: UUID  # the practitioner who sent it back
    set_at: datetime


class ChangesResponse(Shape):
    changes: list[CaseloadChange]
    cursor: str  # opaque: store it with the applied page, in one transaction
    has_more: bool


# --- Reads ---------------------------------------------------------------------------------------
class ChildRecord(Shape):
    child: Child
    seen: SeenData
    open_concerns: list[ConcernReceived] = Field(default_factory=list)
    visit_ids: list[UUID] = Field(default_factory=list)
    next_visit_due: date | None = None


class VisitRevisionInfo(Shape):
    revision: int
    kind: str
    received_at: datetime
    practitioner_id: UUID


class VisitRecord(Shape):
    visit: Visit  # the latest revision, amendments applied
    revisions: list[VisitRevisionInfo]
