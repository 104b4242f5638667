"""A child's page from both sides: the chronology in order, filtered by kind, corrections beside
their originals and never a brother's or sister's part; the plan; everyone around the child. And
the attacker's side: another team's or organisation's child refused and audited, every view
audited, hostile addresses and filters a plain page, never a server error."""

from __future__ import annotations

import html
import re
import uuid

import pytest

from sync.server.services.oversight.plans import set_plan
from tests.console.child_helpers import CORRECTED, GRANDMOTHER, PHONE, REASON, SIBLING, story
from tests.console.helpers import Console
from tests.sync.concerns_helpers import other_organisation


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_manager_sees_the_childs_chronology_newest_first_and_the_view_is_audited(
    console: Console,
) -> None:
    s = story(console)
    page = console.signed_in().get(f"/console/children/{s.child_id}")
    assert page.status_code == 200
    text = _text(page.text)
    # Newest first: the phone call and the correction (today) before the visit (in January).
    assert text.index("Concern received from a grandparent") < text.index("Visit: seen")
    assert text.index("Correction to the visit") < text.index("Visit: seen")
    # The correction: the original beside the corrected value, with its reason.
    original = s.visit.children[0].voice.wishes_and_feelings
    assert original in text and CORRECTED in text and REASON in text
    assert SIBLING not in text  # a brother's or sister's part of the visit is theirs
    # The child's own words, verbatim.
    for quote in s.visit.children[0].voice.words_verbatim:
        assert quote.text in page.text
    # The manager of the child's team may see a confidential reporter.
    assert GRANDMOTHER in text and PHONE in text
    # Everyone around the child, with their part in the care and whether it is assessed.
    assert "Everyone around the child" in text and "Care assessed" in text
    assert "Parental responsibility" in text
    # Places for the actions, which another part of the console answers.
    assert f"/console/children/{s.child_id}/concerns/new" in page.text
    assert f"/console/children/{s.child_id}/export" in page.text
    viewed = console.world.audit(action="console.child.read")
    assert [(r["child_id"], r["practitioner_id"], r["outcome"]) for r in viewed] == [
        (s.child_id, console.world.manager.practitioner_id, "ok")
    ]


def test_the_plan_and_its_due_dates_come_from_the_central_records_rules(console: Console) -> None:
    s = story(console)
    now = console.world.clock()
    answer = set_plan(
        db=console.db, actor=None, child_id=s.child_id, service_context="CP_PLAN",
        started_on=now.date().replace(day=1), now=now,
    )  # fmt: skip
    text = _text(console.signed_in().get(f"/console/children/{s.child_id}").text)
    assert "Child protection plan" in text
    assert answer.rule_description in text
    if answer.next_visit_due is not None:
        assert f"{answer.next_visit_due.day} {answer.next_visit_due:%B %Y}" in text


def test_the_filter_shows_only_the_kinds_asked_for(console: Console) -> None:
    s = story(console)
    client = console.signed_in()
    page = client.get(f"/console/children/{s.child_id}", params={"kind": "concern"})
    text = _text(page.text)
    assert page.status_code == 200 and "Concern received" in text
    assert "Visit: seen" not in text and "Correction to the visit" not in text
    both = _text(client.get(f"/console/children/{s.child_id}?kind=visit&kind=amendment").text)
    assert "Visit: seen" in both and "Correction to the visit" in both
    assert "Concern received" not in both
    assert 'value="visit" checked' in client.get(f"/console/children/{s.child_id}?kind=visit").text


def test_the_duty_worker_sees_another_teams_child_with_the_confidential_reporter_redacted(
    console: Console,
) -> None:
    s = story(console)
    page = console.signed_in("duty").get(f"/console/children/{s.child_id}")
    assert page.status_code == 200
    assert GRANDMOTHER not in page.text and PHONE not in page.text
    assert "Redacted" in page.text
    theirs = console.child_of_team(console.world.team_b)
    assert console.signed_in("duty").get(f"/console/children/{theirs}").status_code == 200


def test_another_teams_child_is_refused_in_plain_words_and_audited(console: Console) -> None:
    theirs = console.child_of_team(console.world.team_b)
    page = console.signed_in().get(f"/console/children/{theirs}")
    assert page.status_code == 403
    assert "not on your team's caseload" in _text(page.text) and "Sign out" in page.text
    refused = console.world.audit(action="console.child.read", outcome="forbidden")
    assert [r["child_id"] for r in refused] == [theirs]


def test_another_organisations_child_is_no_such_child_and_audited(console: Console) -> None:
    elsewhere = other_organisation(console.world)
    assert elsewhere.load is not None
    child_id = elsewhere.load.children[0].child_id
    for who in ("manager.a", "duty"):
        page = console.signed_in(who).get(f"/console/children/{child_id}")
        assert page.status_code == 404 and "no such child" in page.text
        assert elsewhere.load.children[0].name not in page.text
    assert len(console.world.audit(action="console.child.read", outcome="not_found")) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/console/children/not-a-child",
        "/console/children/%00",
        "/console/children/" + "9" * 5000,
        "/console/children/%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "/console/children/" + str(uuid.uuid4()),
        "/console/children/%F0%9F%98%80/export",
    ],
)
def test_a_malformed_or_unknown_child_is_a_plain_not_found_page(
    console: Console, path: str
) -> None:
    page = console.signed_in().get(path)
    assert page.status_code == 404 and "Child not found" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "kind=everything",
        "kind=" + "v" * 60_000,  # httpx allows 65,536 characters in all
        "kind=visit%00",
        "kind=%ED%A0%80",
        "&".join(["kind=visit"] * 50),
    ],
)
def test_a_filter_the_form_does_not_offer_is_a_plain_error(console: Console, query: str) -> None:
    s = story(console)
    page = console.signed_in().get(f"/console/children/{s.child_id}?{query}")
    assert page.status_code == 400 and "Filter not recognised" in page.text
