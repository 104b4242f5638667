"""SyncClient against httpx.MockTransport: retries, backoff, no blind retries, gzip, batching.
No disk, no network."""

from __future__ import annotations

import ast
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

import sync.client
from models.receipt import OutboxItem, RecordKind
from sync import protocol
from sync.client import (
    AuthRefused,
    CursorExpired,
    DeviceRevoked,
    ProtocolMismatch,
    ServerRejected,
    SyncClient,
    TransportFailed,
)
from sync.protocol import ChangesResponse, PushResponse
from tests.sync.helpers import visit_items

EMPTY_PAGE = ChangesResponse(changes=[], cursor="c", has_more=False).model_dump(mode="json")


class Script:
    """Answers requests in turn; remembers what was asked and how long the client slept."""

    def __init__(
        self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
    ):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def client(self, **kw: object) -> SyncClient:
        http = httpx.Client(transport=httpx.MockTransport(self), base_url="http://central.invalid")
        return SyncClient(
            http, credential="sh1_test", sleep=self.sleeps.append, rng=lambda: 1.0, **kw
        )  # type: ignore[arg-type]


def error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "detail": "words"}, headers=headers)


def test_503_then_success_backs_off_exponentially() -> None:
    script = Script(
        *[error(503, protocol.SERVER_UNAVAILABLE)] * 3, httpx.Response(200, json=EMPTY_PAGE)
    )
    page = script.client(base_delay=0.5).changes(None)
    assert page.cursor == "c"
    assert script.sleeps == [0.5, 1.0, 2.0]  # rng=1.0: the top of each jitter window


def test_jitter_draws_below_the_ceiling() -> None:
    script = Script(error(502, "http.502"), httpx.Response(200, json=EMPTY_PAGE))
    http = httpx.Client(transport=httpx.MockTransport(script), base_url="http://x.invalid")
    SyncClient(
        http, credential="c", sleep=script.sleeps.append, rng=lambda: 0.25, base_delay=2.0
    ).changes(None)
    assert script.sleeps == [0.5]


def test_429_honours_retry_after() -> None:
    script = Script(
        error(429, protocol.RATE_LIMITED, {"Retry-After": "7"}),
        httpx.Response(200, json=EMPTY_PAGE),
    )
    script.client(base_delay=0.5).changes(None)
    assert script.sleeps == [7.0]


def test_network_errors_and_timeouts_are_retried() -> None:
    script = Script(
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
        httpx.Response(200, json=EMPTY_PAGE),
    )
    script.client().changes(None)
    assert len(script.requests) == 4 and len(script.sleeps) == 3


def test_gives_up_after_max_attempts_with_transport_failed() -> None:
    script = Script(httpx.ConnectError("offline"))
    with pytest.raises(TransportFailed) as caught:
        script.client(max_attempts=4).changes(None)
    assert caught.value.code == protocol.TRANSPORT_NETWORK
    assert len(script.requests) == 4


@pytest.mark.parametrize(
    ("status", "code", "raised"),
    [
        (401, protocol.AUTH_INVALID, AuthRefused),
        (401, protocol.AUTH_EXPIRED, AuthRefused),
        (401, protocol.DEVICE_REVOKED, DeviceRevoked),
        (403, protocol.FORBIDDEN, ServerRejected),
        (409, protocol.SYNC_CONFLICT, ServerRejected),
        (410, protocol.SYNC_CURSOR_EXPIRED, CursorExpired),
        (413, protocol.REQUEST_TOO_LARGE, ServerRejected),
        (422, protocol.REQUEST_INVALID, ServerRejected),
        (426, protocol.PROTOCOL_MISMATCH, ProtocolMismatch),
    ],
)
def test_refusals_are_never_retried_blindly(
    status: int, code: str, raised: type[Exception]
) -> None:
    script = Script(error(status, code))
    with pytest.raises(raised) as caught:
        script.client().changes(None)
    assert len(script.requests) == 1 and script.sleeps == []
    assert caught.value.code == code  # type: ignore[attr-defined]


def test_answer_that_is_not_protocol_is_a_protocol_mismatch() -> None:
    script = Script(httpx.Response(200, text="<html>captive portal</html>"))
    with pytest.raises(ProtocolMismatch):
        script.client().changes(None)


def _items(n: int) -> list[OutboxItem]:
    from synthetic import generate_caseload

    load = generate_caseload(seed=5, children=max(1, n), households=1)
    return visit_items(load)[:n]


def _receipts_for(request: httpx.Request) -> httpx.Response:
    body = request.content
    if request.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    items = json.loads(body)["items"]
    receipts = [
        {
            "record_id": i["record_id"],
            "revision": i["revision"],
            "status": "accepted",
            "server_seq": n + 1,
        }
        for n, i in enumerate(items)
    ]
    return httpx.Response(200, json={"receipts": receipts, "max_server_seq": len(items)})


def test_push_gzips_sends_auth_and_protocol_headers() -> None:
    script = Script(_receipts_for)
    answer = script.client().push(_items(3))
    (request,) = script.requests
    assert request.headers["Content-Encoding"] == "gzip"
    assert request.headers["Authorization"] == "Bearer sh1_test"
    assert request.headers[protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL_VERSION)
    assert isinstance(answer, PushResponse) and len(answer.receipts) == 3


def test_push_splits_into_batches_of_at_most_100() -> None:
    items = _items(1) * 250
    script = Script(_receipts_for)
    answer = script.client().push(items)
    sizes = [len(json.loads(gzip.decompress(r.content))["items"]) for r in script.requests]
    assert sizes == [100, 100, 50] and len(answer.receipts) == 250


def test_push_retries_a_dropped_batch_with_the_same_body() -> None:
    script = Script(httpx.RemoteProtocolError("connection dropped"), _receipts_for)
    script.client().push(_items(2))
    first, second = script.requests
    assert first.content == second.content


def test_push_without_credential_refuses_before_sending() -> None:
    script = Script(_receipts_for)
    client = script.client()
    client.credential = None
    with pytest.raises(AuthRefused):
        client.push(_items(1))
    assert script.requests == []


def test_enrol_keeps_the_credential() -> None:
    answer = {
        "device_id": str(uuid4()),
        "credential": "sh1_new",
        "credential_expires_at": "2026-06-01T00:00:00Z",
        "practitioner_id": str(uuid4()),
        "organisation_id": "ORG-DEMO",
        "role": "SOCIAL_WORKER",
    }
    script = Script(httpx.Response(200, json=answer))
    client = script.client()
    client.credential = None
    client.enrol("ABCD-EFGH-JKMN", device_id=uuid4())
    assert client.credential == "sh1_new"
    assert "Authorization" not in script.requests[0].headers


def test_item_kinds_are_stable_wire_strings() -> None:
    assert [k.value for k in RecordKind] == [
        "visit",
        "amendment",
        "concern",
        "acknowledgement",
        "escalation",
        "task_done",
    ]


def test_the_client_makes_up_no_code_outside_the_protocol_catalogue() -> None:
    """Every code the client names itself is a sync.protocol constant (its client-side section),
    never a string written in sync/client.py."""
    source = ast.parse(Path(sync.client.__file__).read_text())
    literals = {
        node.value
        for node in ast.walk(source)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert not {text for text in literals if re.fullmatch(r"[a-z_]+\.[a-z_]+", text)}
    script = Script(httpx.ReadTimeout("slow"))
    with pytest.raises(TransportFailed) as slow:
        script.client(max_attempts=1).changes(None)
    bad = Script(httpx.Response(200, json={"not": "a page"}))
    with pytest.raises(ProtocolMismatch) as garbled:
        bad.client().changes(None)
    proxy = Script(httpx.Response(403, text="<html>no</html>"))
    with pytest.raises(ServerRejected) as page:
        proxy.client().changes(None)
    assert slow.value.code == protocol.TRANSPORT_TIMEOUT
    assert garbled.value.code == protocol.PROTOCOL_BAD_RESPONSE
    assert page.value.code == f"{protocol.HTTP_STATUS_PREFIX}403"
