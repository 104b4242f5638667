"""Recording and acknowledging a concern at the console, through the real app: the happy path,
what was typed kept on an error, another team's child and another organisation's ids refused and
audited, no session or no form token refused, and bad text answered in words, never a 5xx."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlmodel import select

from sync.server.tables import ChildRow, ConcernRow
from tests.console.helpers import Console, token
from tests.sync.concerns_helpers import other_organisation
from tests.sync.helpers import TestClient

SAID = "Grandmother rang: the baby was left alone on Saturday evening (synthetic)."


def concern_form(csrf: str, child: UUID, **over: Any) -> dict[str, Any]:
    form = {
        "csrf_token": csrf,
        "children": [str(child)],
        "channel": "PHONE",
        "received-day": "2",
        "received-month": "3",
        "received-year": "2026",
        "received-time": "09:15",
        "reporter_name": "Nan Example (synthetic)",
        "reporter_relationship": "grandparent",  # as govukSelect writes the option
        "reporter_contact": "01632 960000",
        "content": SAID,
    }
    form.update(over)
    return form


_BEFORE: dict[int, int] = {}


@pytest.fixture(autouse=True)
def _baseline(console: Console) -> None:
    _BEFORE[id(console)] = console.world.count(ConcernRow)  # the synthetic caseload's own


def _made(console: Console) -> int:
    """Concerns recorded in this test."""
    return int(console.world.count(ConcernRow)) - _BEFORE[id(console)]


def _open_form(client: TestClient, child: UUID | None = None) -> str:
    page = client.get("/console/concerns/new" + (f"?child={child}" if child else ""))
    assert page.status_code == 200, page.text
    return token(page)


def test_a_phone_call_recorded_at_the_console_is_a_concern_on_the_record(
    console: Console,
) -> None:
    client = console.signed_in()
    child = console.child_of_team(console.world.team_a)
    csrf = _open_form(client, child)
    answer = client.post(
        "/console/concerns/new",
        data=concern_form(csrf, child, confidential="yes"),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    assert page.status_code == 200
    assert "The concern is recorded" in page.text and "Nan Example (synthetic)" in page.text
    assert "Waiting to be acknowledged" in page.text and "Phone call" in page.text
    assert "Confidential" in page.text
    assert f'href="/console/children/{child}"' in page.text
    assert _made(console) == 1
    recorded = console.world.audit(action="concern.recorded")
    assert [(r["child_id"], r["practitioner_id"], r["device_id"]) for r in recorded] == [
        (child, console.world.manager.practitioner_id, None)
    ]


def test_the_form_offers_only_the_managers_team_and_preselects_the_child(
    console: Console,
) -> None:
    ours = console.child_of_team(console.world.team_a)
    theirs = console.child_of_team(console.world.team_b)
    page = console.signed_in().get(f"/console/concerns/new?child={ours}")
    assert f'value="{ours}" checked' in page.text
    assert str(theirs) not in page.text


def test_a_missing_answer_is_shown_in_the_error_summary_and_what_was_typed_is_kept(
    console: Console,
) -> None:
    client = console.signed_in()
    child = console.child_of_team(console.world.team_a)
    form = concern_form(
        _open_form(client),
        child,
        channel="",
        reporter_relationship="",
        **{"received-time": "25:00"},
    )
    page = client.post("/console/concerns/new", data=form)
    assert page.status_code == 400
    assert "There is a problem" in page.text and "<title>Error:" in page.text
    assert "Choose how the concern was received." in page.text
    assert "Enter the time on the 24-hour clock" in page.text
    assert "Choose who they are to the child" in page.text
    assert SAID in page.text and f'value="{child}" checked' in page.text
    assert _made(console) == 0


def test_another_teams_child_is_refused_in_words_and_audited(console: Console) -> None:
    client = console.signed_in()
    theirs = console.child_of_team(console.world.team_b)
    page = client.post("/console/concerns/new", data=concern_form(_open_form(client), theirs))
    assert page.status_code == 403 and "not on your team" in page.text
    assert _made(console) == 0
    refusals = console.world.audit(action="concern.record", outcome="forbidden")
    assert [r["child_id"] for r in refusals] == [theirs]


def test_the_duty_worker_records_for_any_child_in_the_organisation(console: Console) -> None:
    client = console.signed_in("duty")
    theirs = console.child_of_team(console.world.team_b)
    answer = client.post(
        "/console/concerns/new",
        data=concern_form(_open_form(client), theirs),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert _made(console) == 1


def test_another_organisations_child_is_no_such_child(console: Console) -> None:
    other = other_organisation(console.world)
    child = other.load.children[0].child_id
    client = console.signed_in()
    page = client.post("/console/concerns/new", data=concern_form(_open_form(client), child))
    assert page.status_code == 404 and "No such child" in page.text
    assert _made(console) == 0
    assert console.world.audit(action="concern.record", outcome="not_found")


def test_without_a_session_or_a_form_token_nothing_is_recorded(console: Console) -> None:
    child = console.child_of_team(console.world.team_a)
    anonymous = console.client()
    answer = anonymous.post(
        "/console/concerns/new", data=concern_form("x", child), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/sign-in"
    client = console.signed_in()
    for csrf in ("", "not-the-token"):
        page = client.post("/console/concerns/new", data=concern_form(csrf, child))
        assert page.status_code == 403 and "This form has expired" in page.text
    assert _made(console) == 0


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("content", "left alone\x00", "NUL character"),
        ("content", "x" * 20_001, "20,000 characters or fewer"),
        ("reporter_name", "Nan\x00", "NUL character"),
        ("reporter_contact", "y" * 401, "400 characters or fewer"),
    ],
)
def test_bad_text_is_answered_in_words_and_nothing_is_recorded(
    console: Console, field: str, value: str, words: str
) -> None:
    client = console.signed_in()
    child = console.child_of_team(console.world.team_a)
    form = concern_form(_open_form(client), child, **{field: value})
    body = "&".join(
        f"{k}={v}" if k != field else f"{k}={_quote(v)}"
        for k, vs in form.items()
        for v in (vs if isinstance(vs, list) else [vs])
    )
    page = client.post(
        "/console/concerns/new",
        content=body.encode("utf-8", "surrogatepass"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 400, page.text[:500]
    assert words in page.text
    assert _made(console) == 0


def test_a_lone_surrogate_arrives_replaced_never_a_server_error(console: Console) -> None:
    """Bytes that encode half a surrogate pair are not UTF-8: the form parser turns them into
    the replacement character, so what is stored is text, never a broken character."""
    client = console.signed_in()
    child = console.child_of_team(console.world.team_a)
    form = concern_form(_open_form(client), child)
    form["content"] = "PLACEHOLDER"
    body = "&".join(
        f"{k}={_quote(v)}" for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])
    ).replace("PLACEHOLDER", _quote("left alone \ud800"))
    page = client.post(
        "/console/concerns/new",
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert page.status_code == 303
    with console.db.read() as s:
        stored = [r.data["content"] for r in s.exec(select(ConcernRow))]
    assert "left alone \ufffd\ufffd\ufffd" in stored


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value.encode("utf-8", "surrogatepass"))


def _record(console: Console, client: TestClient, child: UUID) -> str:
    answer = client.post(
        "/console/concerns/new",
        data=concern_form(_open_form(client), child),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).split("?")[0]


def test_a_concern_is_acknowledged_with_what_was_done(console: Console) -> None:
    client = console.signed_in()
    child = console.child_of_team(console.world.team_a)
    where = _record(console, client, child)
    csrf = token(client.get(where))
    empty = client.post(f"{where}/acknowledge", data={"csrf_token": csrf, "action_taken": " "})
    assert empty.status_code == 400 and "Enter what you did" in empty.text
    done = "Rang the grandmother back; visit booked for tomorrow (synthetic)."
    answer = client.post(
        f"{where}/acknowledge",
        data={"csrf_token": csrf, "action_taken": done},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "The concern is acknowledged" in page.text and done in page.text
    assert "Acknowledge the concern" not in page.text  # no second form
    again = client.post(f"{where}/acknowledge", data={"csrf_token": csrf, "action_taken": done})
    assert again.status_code == 400 and "already" in again.text.lower()
    assert len(console.world.audit(action="concern.acknowledged")) == 1


def test_another_teams_concern_cannot_be_read_or_acknowledged(console: Console) -> None:
    duty = console.signed_in("duty")
    theirs = console.child_of_team(console.world.team_b)
    where = _record(console, duty, theirs)
    client = console.signed_in()
    assert client.get(where).status_code == 403
    csrf = token(client.get("/console/concerns/new"))
    page = client.post(f"{where}/acknowledge", data={"csrf_token": csrf, "action_taken": "done"})
    assert page.status_code == 403 and "Only the allocated worker" in page.text
    assert console.world.audit(action="concern.acknowledge", outcome="forbidden")
    for nowhere in ("not-an-id", "00000000-0000-0000-0000-000000000000"):
        assert client.get(f"/console/concerns/{nowhere}").status_code == 404


def test_a_concern_about_children_of_two_teams_names_only_the_managers_own(
    console: Console,
) -> None:
    ours = console.child_of_team(console.world.team_a)
    theirs = console.child_of_team(console.world.team_b)
    duty = console.signed_in("duty")
    form = concern_form(_open_form(duty), ours, children=[str(ours), str(theirs)])
    answer = duty.post("/console/concerns/new", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with console.db.read() as s:
        name = {c.child_id: c.data["name"] for c in s.exec(select(ChildRow))}
    page = console.signed_in().get(answer.headers["location"].split("?")[0])
    assert page.status_code == 200 and name[ours] in page.text
    assert "A child outside your team" in page.text
    assert name[theirs] not in page.text and str(theirs) not in page.text


def test_too_many_children_is_answered_in_words(console: Console) -> None:
    client = console.signed_in()
    many = [str(uuid4()) for _ in range(51)]
    page = client.post(
        "/console/concerns/new", data=concern_form(_open_form(client), uuid4(), children=many)
    )
    assert page.status_code == 400 and "at most 50 children" in page.text
