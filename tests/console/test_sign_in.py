"""Staff sign-in from the attacker's side: no page without a session, wrong passwords count and
lock, the lock lifts, codes when the account or organisation needs them, no form without its
token, sessions that end when idle and at the end of the day; every sign-in and out audited."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from sync.server.console import auth
from sync.server.tables import OrganisationRow, StaffAccountRow
from tests.console.helpers import PASSWORD, Console, token
from tests.sync.helpers import ORG


def _bounced(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 303 and response.headers["location"] == "/console/sign-in"


def test_no_page_or_action_without_a_session(console: Console) -> None:
    client = console.client()
    for path in ("/console/", "/console/children/anything", "/console/sign-in/code"):
        assert _bounced(client.get(path, follow_redirects=False)), path
    assert _bounced(client.post("/console/sign-out", data={}, follow_redirects=False))
    # A made-up cookie is no session either.
    client.cookies.set("__Host-seen_console", "x" * 43)
    assert _bounced(client.get("/console/", follow_redirects=False))


def test_sign_in_and_sign_out_are_audited_and_the_old_cookie_is_dead(console: Console) -> None:
    client = console.client()
    page = console.sign_in(client)
    assert "Signed in as Manager (synthetic), manager, Team A (synthetic)" in page.text
    ok = console.world.audit(action="console.sign_in", outcome="ok")
    assert [(r["practitioner_id"], r["record_id"]) for r in ok] == [
        (console.world.manager.practitioner_id, console.manager_account)
    ]
    cookie = client.cookies.get("__Host-seen_console")
    out = client.post("/console/sign-out", data={"csrf_token": token(page)})
    assert out.status_code == 200 and "You have signed out" in out.text
    assert len(console.world.audit(action="console.sign_out")) == 1
    replay = console.client()
    replay.cookies.set("__Host-seen_console", cookie)
    assert _bounced(replay.get("/console/", follow_redirects=False))


def test_wrong_passwords_count_and_the_fifth_locks_the_account(console: Console) -> None:
    client = console.client()
    for _ in range(4):
        page = console.sign_in(client, password="not the password")
        assert page.status_code == 400 and "username or password is not right" in page.text
    page = console.sign_in(client, password="not the password")
    assert "locked after too many tries" in page.text
    # Locked: the right password does not open it, and says why.
    page = console.sign_in(client)
    assert page.status_code == 400 and "locked after too many tries" in page.text
    assert len(console.world.audit(action="console.locked")) == 1
    outcomes = [r["outcome"] for r in console.world.audit(action="console.sign_in")]
    assert outcomes == ["bad_password"] * 5 + ["locked"]
    # An unknown username is answered exactly as a wrong password, and audited without a name.
    page = console.sign_in(client, username="nobody")
    assert "username or password is not right" in page.text
    assert console.world.audit(outcome="unknown_user")[0]["practitioner_id"] is None


def test_the_lock_lifts_after_15_minutes_and_a_success_resets_the_count(console: Console) -> None:
    client = console.client()
    for _ in range(5):
        console.sign_in(client, password="wrong")
    console.world.clock.advance(timedelta(minutes=14, seconds=59))
    assert "locked" in console.sign_in(client).text
    console.world.clock.advance(timedelta(seconds=1))
    assert "Signed in as" in console.sign_in(client).text
    with console.db.read() as s:
        assert s.get(StaffAccountRow, console.manager_account).failed_attempts == 0


def _with_code(console: Console) -> pyotp.TOTP:
    made = auth.create_staff(
        console.db,
        org_id=ORG,
        practitioner_id=console.duty_id,
        username="duty.code",
        password=PASSWORD,
        totp=True,
        now=console.world.clock(),
    )
    assert made.otpauth_uri and made.otpauth_uri.startswith("otpauth://totp/")
    return pyotp.parse_uri(made.otpauth_uri)  # type: ignore[return-value]


def test_an_account_with_a_code_needs_it_and_each_code_works_once(console: Console) -> None:
    totp = _with_code(console)
    client = console.client()
    page = console.sign_in(client, username="duty.code")
    assert "Enter your sign-in code" in page.text
    # Password alone opens no page.
    assert client.get("/console/", follow_redirects=False).headers["location"] == (
        "/console/sign-in/code"
    )
    wrong = client.post("/console/sign-in/code", data={"csrf_token": token(page), "code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    now = console.world.clock()
    right = totp.at(now)
    home = client.post("/console/sign-in/code", data={"csrf_token": token(page), "code": right})
    assert "Signed in as Duty (synthetic), duty worker" in home.text
    # The same code again, in a new sign-in inside its 30 seconds, is refused (replay).
    other = console.client()
    page = console.sign_in(other, username="duty.code")
    again = other.post("/console/sign-in/code", data={"csrf_token": token(page), "code": right})
    assert again.status_code == 400
    # The code of the next step (a phone's clock a little ahead) is accepted.
    ahead = totp.at(now + timedelta(seconds=30))
    home = other.post("/console/sign-in/code", data={"csrf_token": token(page), "code": ahead})
    assert "Signed in as" in home.text


def test_five_wrong_codes_lock_the_account(console: Console) -> None:
    _with_code(console)
    client = console.client()
    page = console.sign_in(client, username="duty.code")
    for _ in range(5):
        last = client.post("/console/sign-in/code", data={"csrf_token": token(page), "code": "1"})
    assert "locked after too many tries" in last.text
    assert len(console.world.audit(action="console.locked")) == 1


def test_an_organisation_that_requires_codes_refuses_an_account_without_one(
    console: Console,
) -> None:
    with console.db.write() as s:
        org = s.get(OrganisationRow, ORG)
        org.settings = {"console": {"require_totp": True}}
        s.add(org)
    page = console.sign_in(console.client())
    assert page.status_code == 400 and "asks for a sign-in code" in page.text
    assert console.world.audit(outcome="no_code_enrolled")


def test_a_post_without_its_token_is_refused(console: Console) -> None:
    client = console.client()
    data = {"org_id": ORG, "username": "manager.a", "password": PASSWORD}
    assert client.post("/console/sign-in", data=data).status_code == 403
    client.get("/console/sign-in")  # the sign-in cookie is set, but the field is wrong
    refused = client.post("/console/sign-in", data={**data, "csrf_token": "guess"})
    assert refused.status_code == 403 and "This form has expired" in refused.text
    page = console.sign_in(client)
    assert client.post("/console/sign-out", data={}).status_code == 403
    assert client.post("/console/sign-out", data={"csrf_token": "guess"}).status_code == 403
    # Another session's token is no good either.
    other = console.signed_in("duty")
    other_token = token(other.get("/console/"))
    assert client.post("/console/sign-out", data={"csrf_token": other_token}).status_code == 403
    assert "Signed in as" in client.get("/console/").text
    assert token(page)


def test_a_session_ends_after_30_idle_minutes(console: Console) -> None:
    client = console.signed_in()
    console.world.clock.advance(timedelta(minutes=29))
    assert client.get("/console/").status_code == 200
    console.world.clock.advance(timedelta(minutes=29))  # used 29 minutes ago: still on
    assert client.get("/console/").status_code == 200
    console.world.clock.advance(timedelta(minutes=30))
    assert _bounced(client.get("/console/", follow_redirects=False))


def test_a_session_ends_12_hours_after_sign_in_however_busy(console: Console) -> None:
    client = console.signed_in()
    for _ in range(35):  # every 20 minutes for 11 h 40 min
        console.world.clock.advance(timedelta(minutes=20))
        assert client.get("/console/").status_code == 200
    console.world.clock.advance(timedelta(minutes=20))
    assert _bounced(client.get("/console/", follow_redirects=False))


@pytest.mark.parametrize(
    "field, raw",
    [
        ("username", "manager.a%00"),  # NUL
        ("username", "%ED%A0%80"),  # a lone surrogate, as UTF-8 bytes
        ("username", "%FF%FE"),  # not UTF-8 at all
        ("org_id", "ORG-DEMO%00"),
        ("password", "x" * 5000),
        ("org_id", "O" * 500),
    ],
)
def test_hostile_input_is_refused_in_plain_words(console: Console, field: str, raw: str) -> None:
    client = console.client()
    form = client.get("/console/sign-in")
    fields = {"csrf_token": token(form), "org_id": ORG, "username": "manager.a"}
    fields["password"] = "correct+horse+battery+staple"
    fields[field] = raw
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    page = client.post(
        "/console/sign-in",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 400, page.text
    assert "There is a problem" in page.text


def test_cookies_are_secure_httponly_and_strict_except_plain_http_on_loopback(
    console: Console,
) -> None:
    client = console.client()
    form = client.get("/console/sign-in")
    sent = form.headers["set-cookie"]
    assert sent.startswith("__Host-seen_console_signin=")
    assert "Secure" in sent and "HttpOnly" in sent and "SameSite=strict" in sent
    page = console.sign_in(client)
    assert page.history[0].headers["set-cookie"].startswith("__Host-seen_console=")
    demo = console.client("http://127.0.0.1:8000")
    sent = demo.get("/console/sign-in").headers["set-cookie"]
    assert sent.startswith("seen_console_signin=") and "Secure" not in sent
    assert "HttpOnly" in sent and "SameSite=strict" in sent
    assert "Signed in as" in console.sign_in(demo).text
