"""The device's sync client: one httpx.Client in, typed protocol shapes out.

    client = SyncClient(httpx.Client(base_url=server), credential=stored_credential)
    client.enrol(code, device_id=..., device_label=...)   -> EnrolResponse (store .credential)
    client.push(items)                                    -> PushResponse (one receipt per item)
    client.changes(cursor, limit)                         -> ChangesResponse (one page)
    client.iter_changes(cursor)                           -> pages until has_more is False
    client.renew_due                                      the server offers a new credential
    client.renew_credential()                             -> CredentialResponse (store it, use it)
    client.outbox_empty(device_id=...)                    a retiring device: all sent (-> 401)
    client.outbox = OutboxReport(...)                     said on every request from then on

Timeouts: `timeout` per request (default 5 s to connect, 20 s per read); None leaves the
httpx.Client's own (as fastapi's TestClient needs).

Retries: network errors, timeouts, 408, 5xx and 429 are retried with exponential backoff and full
jitter (Retry-After is honoured), up to `max_attempts`; every request is safe to send again (push
is idempotent per item, pull is a read, enrolment retries with the same device id and attempt
secret, which the server accepts only while the credential it gave has not been used). 401, 403,
409, 410 and other 4xx are never retried blindly: they raise at once.

Errors, each with a stable `.code` from sync.protocol (the server's, or one of its client-side
codes for what got no usable answer: transport.*, protocol.bad_response, http.<status>):

    SyncError
    ├── TransportFailed   no usable answer after retrying (offline, timeouts, 5xx, 429): try later
    ├── AuthRefused       401 auth.*: the credential is missing, unknown or expired: enrol again
    ├── DeviceRevoked     401 device.revoked: wipe every local copy now
    │   └── DeviceRetiring  401 device.retiring: push everything, then outbox_empty(), then wipe
    ├── CursorExpired     410 sync.cursor_expired: push the outbox, then pull from cursor=None
    ├── ProtocolMismatch  426 or an answer that is not the protocol: update the app
    └── ServerRejected    any other refusal (403 forbidden, 413, 422...): show .detail
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from models.receipt import OutboxItem
from sync import protocol
from sync.protocol import (
    ChangesResponse,
    CredentialResponse,
    EnrolRequest,
    EnrolResponse,
    PushItem,
    PushRequest,
    PushResponse,
)
from sync.protocol_outbox import OUTBOX_HEADER, OutboxReport

__all__ = [
    "AuthRefused",
    "CursorExpired",
    "DeviceRetiring",
    "DeviceRevoked",
    "ProtocolMismatch",
    "ServerRejected",
    "SyncClient",
    "SyncError",
    "TransportFailed",
]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
GZIP_ABOVE = 1024  # bytes: smaller bodies go plain
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # 408: too slow a link, try again
MAX_RETRY_AFTER = 300.0
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class SyncError(Exception):
    def __init__(
        self, code: str, detail: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait, if it did


class TransportFailed(SyncError):
    """No usable answer after retrying. Nothing was lost: try again later."""


class AuthRefused(SyncError):
    """The device's credential is missing, unknown or expired: enrol again."""


class DeviceRevoked(SyncError):
    """The device was removed from the organisation: wipe every local copy now."""


class DeviceRetiring(DeviceRevoked):
    """The device is being retired: it may still push what it holds (nothing else); once its
    outbox is empty it says so (outbox_empty) and wipes. Never wipe before pushing."""


class CursorExpired(SyncError):
    """Start over: push the outbox first, then pull from cursor=None. Discard nothing unsynced."""


class ProtocolMismatch(SyncError):
    """The server speaks another protocol version, or answered something that is not protocol."""


class ServerRejected(SyncError):
    """The server refused the request (403, 413, 422...): retrying the same request will not help."""


def _error_class(status: int, code: str) -> type[SyncError]:
    if code == protocol.DEVICE_RETIRING:
        return DeviceRetiring
    if code == protocol.DEVICE_REVOKED:
        return DeviceRevoked
    if status == 401 or code.startswith("auth."):
        return AuthRefused
    if status == 410 or code == protocol.SYNC_CURSOR_EXPIRED:
        return CursorExpired
    if status == 426 or code == protocol.PROTOCOL_MISMATCH:
        return ProtocolMismatch
    return ServerRejected


class SyncClient:
    def __init__(
        self,
        http: httpx.Client,
        *,
        credential: str | None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        max_attempts: int = 6,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        gzip_requests: bool = True,
    ) -> None:
        self.http = http
        self.credential = credential
        self._sleep = sleep
        self._rng = rng
        self.max_attempts = max(1, max_attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.gzip_requests = gzip_requests
        self.renew_due = False  # an answer said the credential is past half its life
        self.accepted_credential: str | None = None  # the credential of the last answered call
        self.outbox: OutboxReport | None = None  # what the device holds unsent, told each call

    # --- the protocol ---------------------------------------------------------------------------
    def enrol(
        self,
        code: str,
        *,
        device_id: UUID,
        device_label: str = "",
        platform: str = "",
        app_version: str = "",
    ) -> EnrolResponse:
        """Exchange a one-time code for this device's credential (kept on self.credential; the
        caller stores it in the encrypted store). Each call is one attempt, with its own secret:
        the automatic retries of a lost answer send it again; a later call with the same code is
        refused (a code works once)."""
        request = EnrolRequest(
            code=code,
            device_id=device_id,
            attempt=secrets.token_urlsafe(24),
            device_label=device_label,
            platform=platform,
            app_version=app_version,
        )
        answer = self._call("POST", "/enrol", EnrolResponse, body=request, auth=False)
        self.credential = answer.credential
        return answer

    def push(self, items: Sequence[OutboxItem], *, device_id: UUID | None = None) -> PushResponse:
        """Send items in batches of <= MAX_ITEMS and <= MAX_BODY_BYTES; one receipt per item, in
        order. A batch cut off halfway is simply sent again: the server answers duplicates."""
        receipts = []
        max_seq = 0
        wire = [PushItem.of(item) for item in items]  # each body as its canonical JSON text
        for batch in self._batches(wire, device_id):
            answer = self._call("POST", "/sync/push", PushResponse, body=batch)
            if len(answer.receipts) != len(batch.items):
                raise ProtocolMismatch(
                    protocol.PROTOCOL_BAD_RESPONSE,
                    "The server answered a different number of receipts.",
                )
            receipts.extend(answer.receipts)
            max_seq = max(max_seq, answer.max_server_seq)
        return PushResponse(receipts=receipts, max_server_seq=max_seq)

    def outbox_empty(self, *, device_id: UUID | None = None) -> None:
        """Tell the central record this (retiring) device has nothing left to send. Answered
        DeviceRevoked (wipe now) when the device is retiring; nothing happens otherwise."""
        self._call(
            "POST", "/sync/push", PushResponse, body=PushRequest(device_id=device_id, items=[])
        )

    def renew_credential(self) -> CredentialResponse:
        """A new credential, which works once stored and used: store it before using it. Until
        it is used, the current one still works (so a lost answer loses nothing)."""
        answer = self._call("POST", "/devices/credential", CredentialResponse)
        self.renew_due = False
        return answer

    def changes(self, cursor: str | None, limit: int = protocol.DEFAULT_PAGE) -> ChangesResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._call("GET", "/sync/changes", ChangesResponse, params=params)

    def iter_changes(
        self, cursor: str | None, limit: int = protocol.DEFAULT_PAGE
    ) -> Iterator[ChangesResponse]:
        """Pages until the server has no more. Apply each page and store its cursor in one local
        transaction before asking for the next (the generator asks only when resumed)."""
        while True:
            page = self.changes(cursor, limit)
            yield page
            cursor = page.cursor
            if not page.has_more:
                return

    # --- plumbing -------------------------------------------------------------------------------
    def _batches(self, items: list[PushItem], device_id: UUID | None) -> Iterator[PushRequest]:
        start = 0
        while start < len(items):
            batch = items[start : start + protocol.MAX_ITEMS]
            while True:
                request = PushRequest(device_id=device_id, items=batch)
                size = len(request.model_dump_json().encode())  # bytes, as the server counts
                if size <= protocol.MAX_BODY_BYTES or len(batch) == 1:
                    break
                batch = batch[: len(batch) // 2]
            if size > protocol.MAX_BODY_BYTES:
                raise ServerRejected(
                    protocol.REQUEST_TOO_LARGE,
                    "One record is too large to send. Tell your administrator; it stays on the device.",
                )
            yield request
            start += len(batch)

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {
            protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION),
            "Accept": "application/json",
        }
        if auth:
            if not self.credential:
                raise AuthRefused(protocol.AUTH_MISSING, "This device is not enrolled yet.")
            headers["Authorization"] = f"Bearer {self.credential}"
            if self.outbox is not None:
                headers[OUTBOX_HEADER] = self.outbox.header()
        return headers

    def _call(
        self,
        method: str,
        path: str,
        answer: type[M],
        *,
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> M:
        headers = self._headers(auth)
        content: bytes | None = None
        if body is not None:
            content = body.model_dump_json().encode()
            headers["Content-Type"] = "application/json"
            if self.gzip_requests and len(content) > GZIP_ABOVE:
                content = gzip.compress(content, compresslevel=6)
                headers["Content-Encoding"] = "gzip"
        last: SyncError | None = None
        for attempt in range(self.max_attempts):
            if attempt:
                self._sleep(self._delay(attempt, last))
            try:
                extra: dict[str, Any] = {} if self.timeout is None else {"timeout": self.timeout}
                response = self.http.request(
                    method, path, content=content, params=params, headers=headers, **extra
                )
            except httpx.TimeoutException as exc:
                last = TransportFailed(
                    protocol.TRANSPORT_TIMEOUT, f"No answer in time ({type(exc).__name__})."
                )
                continue
            except httpx.TransportError as exc:
                last = TransportFailed(
                    protocol.TRANSPORT_NETWORK,
                    f"Could not reach the server ({type(exc).__name__}).",
                )
                continue
            if response.status_code in RETRY_STATUSES:
                code, detail = _error_of(response)
                last = TransportFailed(
                    code, detail, status=response.status_code, retry_after=_retry_after(response)
                )
                continue
            if response.status_code >= 400:
                code, detail = _error_of(response)
                raise _error_class(response.status_code, code)(
                    code, detail, status=response.status_code
                )
            if response.headers.get(protocol.RENEW_HEADER):
                self.renew_due = True
            if auth:
                self.accepted_credential = self.credential
            try:
                return answer.model_validate_json(response.content)
            except ValidationError:
                raise ProtocolMismatch(
                    protocol.PROTOCOL_BAD_RESPONSE,
                    "The server's answer is not in the expected form: update the app.",
                    status=response.status_code,
                ) from None
        assert last is not None
        log.info("giving up after %d attempts: %s", self.max_attempts, last.code)
        raise last

    def _delay(self, attempt: int, last: SyncError | None) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        delay: float = self._rng() * ceiling  # full jitter
        if last is not None and last.retry_after is not None:
            delay = max(delay, min(last.retry_after, MAX_RETRY_AFTER))
        return delay


def _error_of(response: httpx.Response) -> tuple[str, str]:
    try:
        data = json.loads(response.content)
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            return data["code"], str(data.get("detail", ""))
    except ValueError:
        pass
    fallback = {
        429: protocol.RATE_LIMITED,
        503: protocol.SERVER_UNAVAILABLE,
    }.get(response.status_code, f"{protocol.HTTP_STATUS_PREFIX}{response.status_code}")
    return fallback, f"The server answered {response.status_code}."


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, float(when.timestamp()) - time.time())
