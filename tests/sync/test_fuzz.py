"""Schemathesis over the central record's OpenAPI document: every operation, with no credential,
a practitioner's and a manager's, on SQLite and PostgreSQL. Each answer must be no 5xx, arrive in
time, and match what the document says (status, content type, body shape, headers).

Bounded: FUZZ_EXAMPLES examples per operation and caller (a few minutes in all);
SEEN_FUZZ_FULL=1 runs many more, by hand."""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sync import protocol
from sync.server import Settings, create_app
from tests.sync.helpers import World, make_world, visit_items

FULL = os.environ.get("SEEN_FUZZ_FULL") == "1"
FUZZ_EXAMPLES = 1_000 if FULL else 15
ANSWER_WITHIN = 10.0  # seconds: an answer later than this is a hang

# A request the document calls well formed may still be refused for what the record holds: no
# or a wrong credential (401), outside the caller's scope (403), an unknown id (404), a state
# conflict (409), a download position this server never issued (410), too many tries (429).
# Never for its shape: a 422 or 426 to such a request means the document lies.
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "410", "429"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "409", "413", "415", "422", "426", "429"]
"""
)
# The document alone (its app's database is never migrated nor used).
with tempfile.TemporaryDirectory() as _scratch:
    _app = create_app(Settings.for_data_dir(_scratch, migrate_on_start=False))
    DOCUMENT = _app.openapi()
    _app.state.db.dispose()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def fuzz_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'central-record.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_module_database")
    w = make_world(url)
    yield w
    w.db.dispose()


@dataclass
class Caller:
    headers: dict[str, str]
    device_id: str | None = None


@pytest.fixture(scope="module")
def known(fuzz_world: World) -> dict[str, list[str]]:
    """Ids the record holds, by path parameter: a path names one of them in about half the
    examples (the other half a made-up id), so the fuzzer reaches past "no such thing". The
    worker's visits are pushed first, so their ids are on the record too."""
    w = fuzz_world
    mine, theirs = w.worker.load, w.outsider.load
    assert mine is not None and theirs is not None
    w.device(w.worker).push(visit_items(mine)[:3])
    children = [c.child_id for c in (*mine.children[:3], theirs.children[0])]
    return {
        "child_id": [str(c) for c in children],
        "visit_id": [str(v.visit_id) for v in mine.visits[:3]],
        "team_id": [str(w.team_a), str(w.team_b)],
        "person_id": [str(p.person_id) for p in mine.people[:3]],
    }


@pytest.fixture(scope="module")
def callers(fuzz_world: World) -> dict[str, Caller]:
    found = {"none": Caller({})}
    for name, who in (("worker", fuzz_world.worker), ("manager", fuzz_world.manager)):
        device_id = uuid.uuid4()
        device = fuzz_world.device(who, device_id=device_id)
        found[name] = Caller(fuzz_world.headers(device), str(device_id))
    return found


@pytest.mark.parametrize("caller", ["none", "worker", "manager"])
@schema.parametrize()
@hypothesis.settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=not FULL,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
)
def test_fuzz(
    case: Case[Any],
    caller: str,
    fuzz_world: World,
    callers: dict[str, Caller],
    known: dict[str, list[str]],
) -> None:
    who = callers[caller]
    body = case.body
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.path_parameters:
        pick = random.Random(repr(sorted(case.path_parameters.items())))
        for name, ids in known.items():
            if name in case.path_parameters and pick.random() < 0.5:
                case.path_parameters[name] = pick.choice(ids)
    if positive and isinstance(body, dict):
        # What the document cannot say, made true: a push names the caller's own device (another
        # device's is refused: tests/sync/test_security_matrix.py), and enrolment takes a code
        # just issued for a new device (a made-up code is refused like a wrong password).
        if case.path == "/sync/push" and body.get("device_id"):
            body["device_id"] = who.device_id
        if case.path == "/enrol":
            body["code"] = fuzz_world.code_for(fuzz_world.colleague)
            body["device_id"] = str(uuid.uuid4())  # a new device (a known one is refused)
    answer = case.call(app=fuzz_world.app, headers=who.headers, timeout=ANSWER_WITHIN)
    excluded: list[CheckFunction] = []
    if positive and answer.status_code == 422 and _code(answer) in AGAINST_THE_CLOCK_OR_RECORD:
        excluded = [positive_data_acceptance]
    case.validate_response(answer, headers=who.headers, excluded_checks=excluded)


# Refusals of a well-formed request for what the clock or the record says (a date after now, a
# rule the organisation has not set): no document can state them. Any other 422 must be stated.
AGAINST_THE_CLOCK_OR_RECORD = {
    protocol.RECORD_FUTURE_DATED,
    protocol.PLAN_REFUSED,
    protocol.DECISION_REFUSED,
}


def _code(answer: Any) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def test_the_document_states_the_rules_the_fuzzer_checks_answers_against() -> None:
    defs = DOCUMENT["components"]["schemas"]
    push = DOCUMENT["paths"]["/sync/push"]["post"]
    (header,) = [p for p in push["parameters"] if p["name"] == protocol.PROTOCOL_HEADER]
    assert header["schema"]["enum"] == [str(protocol.PROTOCOL_VERSION)]
    assert [b["required"] for b in defs["PushItem"]["oneOf"]] == [["body"], ["body_json"]]
    assert [b["required"] for b in defs["ConcernRequest"]["anyOf"]] == [
        ["reporter_id"],
        ["reporter"],
    ]
    assert defs["ErrorBody"]["properties"]["code"]["enum"] == sorted(protocol.STATUS_OF)
    assert push["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    # A decision id already recorded with other content is a 409 (found by the fuzzer).
    assert "409" in DOCUMENT["paths"]["/v1/children/{child_id}/decisions"]["post"]["responses"]
    assert "\\u0000" in defs["EnrolRequest"]["properties"]["device_label"]["pattern"]
