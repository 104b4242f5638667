"""Acknowledging and closing a flag at the console, and recording a decision about a child,
through the real app: the happy paths, the history shown, a note required to close, another
team's and another organisation's records refused and audited, no session or form token."""

from __future__ import annotations

from uuid import UUID

import pytest

from sync.server.tables import DecisionRow, FlagEventRow, FlagRow
from tests.console.helpers import Console, token
from tests.sync.concerns_helpers import other_organisation


def _flag_of(console: Console, child: UUID) -> UUID:
    return console.flag(child)


def test_a_flag_is_acknowledged_then_closed_with_a_note_and_its_history_shows_both(
    console: Console,
) -> None:
    client = console.signed_in()
    flag_id = _flag_of(console, console.child_of_team(console.world.team_a))
    page = client.get(f"/console/flags/{flag_id}")
    assert page.status_code == 200 and "Child not seen at a visit" in page.text
    csrf = token(page)
    doing = "Visit booked for tomorrow morning (synthetic)."
    answer = client.post(
        f"/console/flags/{flag_id}/acknowledge",
        data={"csrf_token": csrf, "acknowledge_note": doing},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "The flag is acknowledged" in page.text and doing in page.text
    assert "Manager (synthetic)" in page.text  # who, in the history
    empty = client.post(
        f"/console/flags/{flag_id}/close", data={"csrf_token": csrf, "close_note": "  "}
    )
    assert empty.status_code == 400 and "Say what was done" in empty.text
    closed = client.post(
        f"/console/flags/{flag_id}/close",
        data={"csrf_token": csrf, "close_note": "Seen at home, alone (synthetic)."},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    page = client.get(closed.headers["location"])
    assert "The flag is closed" in page.text and "Close the flag" not in page.text
    assert page.text.index("Closed") < page.text.index("Acknowledged")  # newest first
    assert console.world.count(FlagRow, flag_id=flag_id, status="closed") == 1
    assert console.world.count(FlagEventRow, flag_id=flag_id) == 2
    assert len(console.world.audit(action="flag.closed", record_id=flag_id)) == 1
    again = client.post(
        f"/console/flags/{flag_id}/close", data={"csrf_token": csrf, "close_note": "again"}
    )
    assert again.status_code == 400 and "already closed" in again.text


def test_another_teams_flag_is_refused_and_audited(console: Console) -> None:
    flag_id = _flag_of(console, console.child_of_team(console.world.team_b))
    client = console.signed_in()
    assert client.get(f"/console/flags/{flag_id}").status_code == 403
    csrf = token(client.get("/console/concerns/new"))
    page = client.post(
        f"/console/flags/{flag_id}/close", data={"csrf_token": csrf, "close_note": "nothing"}
    )
    assert page.status_code == 403 and "You cannot do this" in page.text
    assert console.world.count(FlagRow, flag_id=flag_id, status="open") == 1
    assert console.world.audit(action="flag.closed", outcome="forbidden", record_id=flag_id)
    duty = console.signed_in("duty")
    assert duty.get(f"/console/flags/{flag_id}").status_code == 200


def test_flags_without_a_session_or_a_token_or_from_nowhere(console: Console) -> None:
    flag_id = _flag_of(console, console.child_of_team(console.world.team_a))
    anonymous = console.client()
    assert anonymous.get(f"/console/flags/{flag_id}", follow_redirects=False).status_code == 303
    client = console.signed_in()
    page = client.post(f"/console/flags/{flag_id}/close", data={"close_note": "x"})
    assert page.status_code == 403 and "This form has expired" in page.text
    csrf = token(client.get("/console/concerns/new"))
    for where in (f"{flag_id}/delete", "not-an-id/close", f"{UUID(int=1)}/close"):
        got = client.post(f"/console/flags/{where}", data={"csrf_token": csrf, "close_note": "x"})
        assert got.status_code == 404
    assert console.world.count(FlagRow, flag_id=flag_id, status="open") == 1


@pytest.mark.parametrize(
    ("note", "words"),
    [("done\x00", "NUL character"), ("n" * 4_001, "4,000 characters or fewer")],
)
def test_a_bad_note_is_answered_in_words(console: Console, note: str, words: str) -> None:
    flag_id = _flag_of(console, console.child_of_team(console.world.team_a))
    client = console.signed_in()
    csrf = token(client.get(f"/console/flags/{flag_id}"))
    page = client.post(
        f"/console/flags/{flag_id}/close", data={"csrf_token": csrf, "close_note": note}
    )
    assert page.status_code == 400 and words in page.text
    assert console.world.count(FlagRow, flag_id=flag_id, status="open") == 1


def _decision(csrf: str, **over: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "kind": "STRATEGY_DISCUSSION",
        "made_on-day": "27",
        "made_on-month": "2",
        "made_on-year": "2026",
        "outcome": "See the child at home within 3 days",
        "reason": "Grandmother's reports of the child left alone (synthetic).",
    }
    return form | over


def test_a_decision_is_recorded_for_a_child(console: Console) -> None:
    child = console.child_of_team(console.world.team_a)
    client = console.signed_in()
    page = client.get(f"/console/children/{child}/decisions/new")
    assert page.status_code == 200 and f'href="/console/children/{child}"' in page.text
    assert console.world.audit(action="decision.form", child_id=child)  # the page names them
    answer = client.post(
        f"/console/children/{child}/decisions/new",
        data=_decision(token(page)),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/children/{child}?decided=1"
    assert console.world.count(DecisionRow, child_id=child, kind="STRATEGY_DISCUSSION") == 1
    assert console.world.audit(action="decision.record", child_id=child)


def test_a_change_of_plan_needs_the_new_plan_and_moves_the_child_to_it(
    console: Console,
) -> None:
    child = console.child_of_team(console.world.team_a)
    client = console.signed_in()
    csrf = token(client.get(f"/console/children/{child}/decisions/new"))
    url = f"/console/children/{child}/decisions/new"
    missing = client.post(url, data=_decision(csrf, kind="CONTEXT_CHANGED"))
    assert missing.status_code == 400 and "Choose the plan the child moves to" in missing.text
    assert "Grandmother&#39;s reports" in missing.text  # kept
    # The select's values arrive lower-cased (govukSelect writes them so).
    moved = client.post(
        url, data=_decision(csrf, kind="CONTEXT_CHANGED", plan="cp_plan"), follow_redirects=False
    )
    assert moved.status_code == 303, moved.text
    assert console.world.count(DecisionRow, child_id=child, outcome="CP_PLAN") == 1


def test_a_decision_the_rules_refuse_is_shown_in_words(console: Console) -> None:
    child = console.child_of_team(console.world.team_a)
    client = console.signed_in()
    csrf = token(client.get(f"/console/children/{child}/decisions/new"))
    url = f"/console/children/{child}/decisions/new"
    future = client.post(url, data=_decision(csrf, **{"made_on-year": "2027"}))
    assert future.status_code == 400 and "There is a problem" in future.text
    bad = client.post(url, data=_decision(csrf, **{"made_on-month": "13"}))
    assert bad.status_code == 400 and "must be a real date" in bad.text
    assert console.world.count(DecisionRow, child_id=child) == 0


def test_decisions_for_another_team_or_organisation_are_refused(console: Console) -> None:
    client = console.signed_in()
    csrf = token(client.get("/console/concerns/new"))
    theirs = console.child_of_team(console.world.team_b)
    elsewhere = other_organisation(console.world).load.children[0].child_id
    for child, status in ((theirs, 403), (elsewhere, 404), ("not-an-id", 404)):
        url = f"/console/children/{child}/decisions/new"
        assert client.get(url).status_code == status
        assert client.post(url, data=_decision(csrf)).status_code == status
    assert console.world.audit(action="decision.form", outcome="forbidden", child_id=theirs)
    assert console.world.count(DecisionRow, child_id=theirs) == 0
    no_token = client.post(f"/console/children/{theirs}/decisions/new", data={"kind": "ICPC"})
    assert no_token.status_code == 403 and "This form has expired" in no_token.text


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("reason", "because\x00", "NUL character"),
        ("reason", "r" * 4_001, "4,000 characters or fewer"),
        ("outcome", "o" * 201, "200 characters or fewer"),
    ],
)
def test_bad_decision_text_is_answered_in_words(
    console: Console, field: str, value: str, words: str
) -> None:
    child = console.child_of_team(console.world.team_a)
    client = console.signed_in()
    url = f"/console/children/{child}/decisions/new"
    page = client.post(url, data=_decision(token(client.get(url)), **{field: value}))
    assert page.status_code == 400 and words in page.text
    assert console.world.count(DecisionRow, child_id=child) == 0
