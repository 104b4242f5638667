"""Bad input gets a 4xx with a stable code and plain words: never a 500."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from sync import protocol
from tests.sync.helpers import World, visit_items


@pytest.fixture
def backend(tmp_path: Path) -> str:
    """Input handling does not depend on the database: SQLite only, to keep the suite fast."""
    return f"sqlite:///{tmp_path / 'central-record.sqlite3'}"


@pytest.fixture
def auth(world: World) -> dict[str, str]:
    return world.headers(world.device(world.worker))


def _post(world: World, auth: dict[str, str], content: bytes, **headers: str) -> Any:
    return world.http.post(
        "/sync/push",
        content=content,
        headers={**auth, "Content-Type": "application/json", **headers},
    )


def _item(world: World) -> dict[str, Any]:
    item: dict[str, Any] = visit_items(world.worker.load)[0].model_dump(mode="json")  # type: ignore[arg-type]
    return item


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, protocol.REQUEST_MALFORMED_JSON),
        (b"", 422, protocol.REQUEST_INVALID),
        (b'{"items": "lots"}', 422, protocol.REQUEST_INVALID),
        (b'{"items": [{"record_id": 5}]}', 422, protocol.REQUEST_INVALID),
        (b'{"items": [], "priority": "high"}', 422, protocol.REQUEST_UNKNOWN_FIELD),
        (b"[]", 422, protocol.REQUEST_INVALID),
        (b'{"items": [], "device_id": "not-a-uuid"}', 422, protocol.REQUEST_INVALID),
    ],
)
def test_bad_push_bodies_get_a_stable_code(
    world: World, auth: dict[str, str], body: bytes, status: int, code: str
) -> None:
    answer = _post(world, auth, body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["detail"]


def test_unknown_field_inside_an_item_is_refused(world: World, auth: dict[str, str]) -> None:
    item = _item(world)
    item["sneaky"] = 1
    answer = _post(world, auth, json.dumps({"items": [item]}).encode())
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_UNKNOWN_FIELD)
    assert "sneaky" in answer.json()["detail"]


def test_a_field_name_that_cannot_be_stored_is_not_echoed_as_sent(world: World) -> None:
    # The fuzzer's find: unknown field names, quoted in the detail, held a NUL.
    body = {"code": "ABCD", "device_id": str(uuid.uuid4()), "a\u0000b": 1}
    headers = {"Content-Type": "application/json"}
    answer = world.http.post("/enrol", content=json.dumps(body), headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_UNKNOWN_FIELD)
    detail = answer.json()["detail"]
    assert "a\ufffdb" in detail and "\u0000" not in detail


def test_wrong_types_in_an_item_never_echo_the_value(world: World, auth: dict[str, str]) -> None:
    item = _item(world)
    item["revision"] = "Juniper Sampleton"  # a synthetic name where a number belongs
    answer = _post(world, auth, json.dumps({"items": [item]}).encode())
    assert answer.json()["code"] == protocol.REQUEST_INVALID
    assert "Sampleton" not in answer.text


def test_unknown_field_in_a_record_body_is_rejected_per_item(
    world: World, auth: dict[str, str]
) -> None:
    item = _item(world)
    item["body"]["favourite_colour"] = "green"
    answer = _post(world, auth, json.dumps({"items": [item]}).encode())
    receipt = answer.json()["receipts"][0]
    assert (receipt["status"], receipt["code"]) == ("rejected", protocol.RECORD_INVALID)


def test_more_than_100_items_is_refused(world: World, auth: dict[str, str]) -> None:
    items = [_item(world)] * (protocol.MAX_ITEMS + 1)
    answer = _post(world, auth, json.dumps({"items": items}).encode())
    assert (answer.status_code, answer.json()["code"]) == (422, protocol.REQUEST_INVALID)


def test_oversized_body_is_refused_with_413(world: World, auth: dict[str, str]) -> None:
    big = b'{"items": [], "pad": "' + b"x" * (protocol.MAX_BODY_BYTES + 10) + b'"}'
    answer = _post(world, auth, big)
    assert (answer.status_code, answer.json()["code"]) == (413, protocol.REQUEST_TOO_LARGE)


def test_gzip_body_is_accepted(world: World, auth: dict[str, str]) -> None:
    body = gzip.compress(json.dumps({"items": [_item(world)]}).encode())
    answer = _post(world, auth, body, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.json()["receipts"][0]["status"] == "accepted"


def test_gzip_bomb_is_refused_by_its_decompressed_size(world: World, auth: dict[str, str]) -> None:
    bomb = gzip.compress(b" " * (protocol.MAX_BODY_BYTES * 4))
    assert len(bomb) < protocol.MAX_BODY_BYTES
    answer = _post(world, auth, bomb, **{"Content-Encoding": "gzip"})
    assert (answer.status_code, answer.json()["code"]) == (413, protocol.REQUEST_TOO_LARGE)


@pytest.mark.parametrize(
    ("body", "encoding", "status", "code"),
    [
        (b"definitely not gzip", "gzip", 400, protocol.REQUEST_BAD_ENCODING),
        (gzip.compress(b'{"items": []}')[:-6], "gzip", 400, protocol.REQUEST_BAD_ENCODING),
        (b'{"items": []}', "br", 415, protocol.REQUEST_UNSUPPORTED_ENCODING),
    ],
)
def test_bad_encodings_are_refused(
    world: World, auth: dict[str, str], body: bytes, encoding: str, status: int, code: str
) -> None:
    answer = _post(world, auth, body, **{"Content-Encoding": encoding})
    assert (answer.status_code, answer.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("limit=0", 422, protocol.REQUEST_INVALID),
        ("limit=lots", 422, protocol.REQUEST_INVALID),
        ("limit=100000", 422, protocol.REQUEST_INVALID),
        ("cursor=%%%garbage", 410, protocol.SYNC_CURSOR_EXPIRED),
        ("cursor=YzEuOTkuMS4w", 410, protocol.SYNC_CURSOR_EXPIRED),
    ],
)
def test_bad_pull_queries_get_a_stable_code(
    world: World, auth: dict[str, str], query: str, status: int, code: str
) -> None:
    answer = world.http.get(f"/sync/changes?{query}", headers=auth)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_unknown_address_and_wrong_method_get_codes(world: World, auth: dict[str, str]) -> None:
    missing = world.http.get("/nowhere", headers=auth)
    assert (missing.status_code, missing.json()["code"]) == (404, protocol.NOT_FOUND)
    wrong = world.http.get("/sync/push", headers=auth)
    assert (wrong.status_code, wrong.json()["code"]) == (405, protocol.REQUEST_METHOD_NOT_ALLOWED)
    bad_id = world.http.get("/children/not-a-uuid", headers=auth)
    assert (bad_id.status_code, bad_id.json()["code"]) == (422, protocol.REQUEST_INVALID)


def test_unexpected_error_is_a_generic_500_without_personal_data(
    world: World,
    auth: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sync.server import services

    def explode(**_kw: Any) -> None:
        raise RuntimeError("Juniper Sampleton, 1 Nowhere Lane")  # synthetic, must not leak

    monkeypatch.setattr(services, "push_items", explode)
    answer = _post(world, auth, json.dumps({"items": []}).encode())
    assert (answer.status_code, answer.json()["code"]) == (500, protocol.SERVER_ERROR)
    assert "Sampleton" not in answer.text
    assert "Sampleton" not in caplog.text and "RuntimeError" in caplog.text


def test_openapi_and_healthz(world: World) -> None:
    spec = world.http.get("/openapi.json").json()
    assert {"/sync/push", "/sync/changes", "/enrol", "/healthz"} <= set(spec["paths"])
    assert world.http.get("/healthz").json()["status"] == "ok"
