"""The console in Debian's Chromium: a manager signs in with the keyboard alone (the skip link
first), sees their team's open flag, and signs out; the dashboard with every section filled, used
by keyboard alone; axe-core (from console-assets, installed by
./dev's npm ci, so nothing is fetched here) finds no WCAG 2.2 A/AA violation on any page. The
server is the real app under uvicorn on http://127.0.0.1 (the demo's case: no Secure cookie)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_or_skip
from tests.console.helpers import PASSWORD, Console, make_console
from tests.e2e.conftest import (
    ARGS,
    CHROMIUM,
    ROOT,
    SHOTS,
    free_port,
    publish,
    require_browser,
)
from tests.sync.helpers import ORG, make_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "console-assets" / "node_modules" / "axe-core" / "axe.min.js"
STYLES = ROOT / "sync" / "server" / "console" / "static" / "govuk" / "govuk-frontend.min.css"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Console]]:
    import uvicorn

    require_browser()
    world = make_world(f"sqlite:///{tmp_path / 'central-record.sqlite3'}")
    console = make_console(world)
    console.flag(console.child_of_team(world.team_a))
    port = free_port()
    config = uvicorn.Config(world.app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", console
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        world.db.dispose()


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert len(result["passes"]) >= 5  # it did check the page
    return [{"id": v["id"], "help": v["help"]} for v in result["violations"]]


def _new_page(pw: Any) -> tuple[Any, Any]:
    if not AXE.exists() or not STYLES.exists():
        require_or_skip("SEEN_REQUIRE_BROWSER", "console-assets not installed: run ./dev once")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    # bypass_csp: only so the test can inject axe; the pages themselves run no other script.
    page = browser.new_page(
        viewport={"width": 1024, "height": 768}, bypass_csp=True, accept_downloads=True
    )
    page.set_default_timeout(20_000)
    return browser, page


def _focused_text(page: Any) -> str:
    return str(page.evaluate("document.activeElement.textContent.trim()"))


def test_a_manager_signs_in_sees_the_teams_flag_and_signs_out(
    served: tuple[str, Console],
) -> None:
    from playwright.sync_api import sync_playwright

    url, console = served
    with sync_playwright() as pw:
        browser, page = _new_page(pw)
        page.goto(f"{url}/console/")
        assert page.url.endswith("/console/sign-in")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-sign-in.png"), full_page=True)
        # Keyboard alone: the skip link is the first stop, then the form's fields in order.
        page.keyboard.press("Tab")
        assert _focused_text(page) == "Skip to main content"
        page.keyboard.press("Enter")
        page.get_by_label("Organisation").focus()
        page.keyboard.type(ORG)
        page.keyboard.press("Tab")
        page.keyboard.type("manager.a")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{url}/console/")
        assert "Signed in as Manager (synthetic)" in page.inner_text("main")
        # The flag leads the page (children not seen) and is among the open flags (and it
        # waits for review, in a row of its own whose first cell is its header).
        assert page.get_by_role("cell", name="Child not seen at a visit").count() == 2
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-open-flags.png"), full_page=True)
        page.get_by_role("button", name="Sign out").focus()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="You have signed out").wait_for()
        assert _axe(page) == []
        page.goto(f"{url}/console/")
        assert page.url.endswith("/console/sign-in")
        browser.close()
    assert len(console.world.audit(action="console.sign_out")) == 1


def _signed_in(
    page: Any, url: str, username: str = "manager.a", landing: str = "/console/"
) -> None:
    page.goto(f"{url}/console/sign-in")
    page.get_by_label("Organisation").fill(ORG)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{landing}")


def test_a_manager_reads_a_childs_chronology_filters_it_and_exports_it(
    served: tuple[str, Console],
) -> None:
    if not AXE.exists() or not STYLES.exists():
        require_or_skip("SEEN_REQUIRE_BROWSER", "console-assets not installed: run ./dev once")
    import io

    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from tests.console.child_helpers import CORRECTED, story

    url, console = served
    s = story(console)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(
            viewport={"width": 1024, "height": 768}, bypass_csp=True, accept_downloads=True
        )
        page.set_default_timeout(20_000)
        _signed_in(page, url)
        page.goto(f"{url}/console/children/{s.child_id}")
        main = page.inner_text("main")
        assert "Chronology, newest first" in main and CORRECTED in main
        assert page.get_by_role("table", name="What was corrected").count() == 1
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-child.png"), full_page=True)
        box = page.get_by_role("checkbox", name="Concerns (1)").bounding_box()
        assert box is not None and box["width"] >= 48 and box["height"] >= 48  # a tap target
        # The filter by keyboard alone: tick "Concerns", then Show.
        page.get_by_role("checkbox", name="Concerns (1)").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Show").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**kind=concern**")
        main = page.inner_text("main")
        assert "Concern received" in main and "Visit: seen" not in main
        assert page.get_by_role("checkbox", name="Concerns (1)").is_checked()
        assert _axe(page) == []
        page.get_by_role("link", name="Export this record").click()
        page.get_by_role("heading", name="Export this child's record").wait_for()
        page.get_by_role("button", name="Download a PDF").click()  # no reason chosen
        page.get_by_role("heading", name="There is a problem").wait_for()
        assert _axe(page) == []
        assert page.get_by_label("For another reason: say what it is").is_visible()
        page.get_by_role("radio", name="A subject access request").check()
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-export.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download a PDF").click()
        body = Path(download.value.path()).read_bytes()
        browser.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "redacted" in text and "Testwell" not in text
    assert len(console.world.audit(action="console.child.export.subject_access")) == 1
    assert len(console.world.audit(action="console.child.read")) == 2


def _signed_in_page(pw: Any, url: str) -> tuple[Any, Any]:
    browser, page = _new_page(pw)
    _signed_in(page, url)
    return browser, page


def test_a_manager_records_a_phone_call_and_closes_a_flag_with_no_violations(
    served: tuple[str, Console],
) -> None:
    if not AXE.exists() or not STYLES.exists():
        require_or_skip("SEEN_REQUIRE_BROWSER", "console-assets not installed: run ./dev once")
    from playwright.sync_api import sync_playwright

    url, console = served
    child = console.child_of_team(console.world.team_a)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser, page = _signed_in_page(pw, url)
        # The team's flag first (a concern about the child rechecks its flags): closed with a
        # note, from the review queue's link.
        page.get_by_role("link", name="Waiting for review", exact=True).click()
        page.get_by_role("heading", name="Waiting for review").wait_for()
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-review.png"), full_page=True)
        page.locator('a[href^="/console/flags/"]').first.click()
        page.get_by_role("heading", name="Child not seen at a visit").wait_for()
        assert _axe(page) == []
        page.get_by_label("Close the flag: why can it be closed?").fill(
            "Seen at home the next day, alone (synthetic)."
        )
        page.get_by_role("button", name="Close the flag").click()
        page.get_by_text("The flag is closed").wait_for()
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-flag-closed.png"), full_page=True)
        page.get_by_role("link", name="Record a concern").click()
        page.get_by_role("heading", name="Record a concern").wait_for()
        assert _axe(page) == []
        # Sent half-done: the error summary names what is missing, and keeps what was typed.
        page.get_by_label("What was said").fill("Grandmother rang about the baby (synthetic).")
        page.get_by_role("button", name="Record the concern").click()
        page.get_by_role("heading", name="There is a problem").wait_for()
        assert page.get_by_label("What was said").input_value().startswith("Grandmother rang")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-concern-errors.png"), full_page=True)
        page.locator(f'input[name="children"][value="{child}"]').check()
        page.get_by_label("Phone call").check()
        page.get_by_label("Day").fill("2")
        page.get_by_label("Month").fill("3")
        page.get_by_label("Year").fill("2026")
        page.get_by_label("Time").fill("09:15")
        page.get_by_label("Their name").fill("Nan Example (synthetic)")
        page.get_by_label("Who they are to the child").select_option(label="Grandparent")
        page.get_by_label("Keep who they are confidential").check()
        page.get_by_role("button", name="Record the concern").click()
        page.wait_for_load_state()
        assert "The concern is recorded" in page.inner_text("main"), page.inner_text("main")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-concern.png"), full_page=True)
        browser.close()
    assert len(console.world.audit(action="flag.closed")) == 1
    assert len(console.world.audit(action="concern.recorded")) == 1


def _fill_the_dashboard(console: Console) -> None:
    """Something in every section: a plan overdue, a concern waiting, a device gone quiet
    holding records (as it said), besides the flag the fixture raised."""
    from datetime import timedelta

    from sync.protocol_outbox import OutboxReport
    from sync.server.services.oversight.plans import set_plan
    from tests.sync.concerns_helpers import Caller

    world = console.world
    assert world.worker.load is not None
    flagged = console.child_of_team(world.team_a)  # the fixture's flag: left as it is
    child = next(c.child_id for c in world.worker.load.children if c.child_id != flagged)
    set_plan(db=world.db, actor=None, child_id=child, service_context="CP_PLAN",
             started_on=world.clock().date() - timedelta(days=60), now=world.clock())  # fmt: skip
    Caller(world, world.worker).record([child])
    device = world.device(world.worker)
    device.outbox = OutboxReport(held=4, oldest_age_s=5 * 3600)
    device.changes(None)
    world.clock.advance(timedelta(hours=30))


def test_the_dashboard_has_every_section_and_works_by_keyboard_alone(
    served: tuple[str, Console],
) -> None:
    from playwright.sync_api import sync_playwright

    url, console = served
    _fill_the_dashboard(console)
    with sync_playwright() as pw:
        browser, page = _new_page(pw)
        page.goto(f"{url}/console/sign-in")
        page.get_by_label("Organisation").fill(ORG)
        page.get_by_label("Username").fill("manager.a")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{url}/console/")
        main = page.inner_text("main")
        for heading in ("Children not seen", "Open flags", "Overdue",
                        "Concerns not yet acknowledged", "Waiting for review",
                        "Devices not synced for over 24 hours"):  # fmt: skip
            assert page.get_by_role("heading", name=heading).count() == 1, heading
        assert "Worker (synthetic)" in main and "4 records" in main
        assert "Past the time limit" in main
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-dashboard.png"), full_page=True)
        publish([SHOTS / "console-dashboard.png"])  # the README's, when asked to
        # Keyboard alone: skip to the content, the first link jumps to the children not seen,
        # and the next stop is the child at the top of that list.
        page.keyboard.press("Tab")
        assert _focused_text(page) == "Skip to main content"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert _focused_text(page) == "Children not seen: 1"
        page.keyboard.press("Enter")
        assert page.url.endswith("#not-seen")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused.startswith("/console/children/")
        # Every link and button on the page is a tab stop, in reading order, to the end.
        stops = page.locator("main a[href], main button").count()
        seen = set()
        for _ in range(stops + 10):
            page.keyboard.press("Tab")
            seen.add(page.evaluate("document.activeElement.outerHTML"))
        assert any("/console/review" in h for h in seen)
        browser.close()


def _keys(page: Any, *presses: str) -> None:
    for key in presses:
        page.keyboard.press(key)


def test_every_action_by_keyboard_alone_and_every_other_page_has_no_violations(
    served: tuple[str, Console],
) -> None:
    """The pages the other tests leave out (a concern's own page, the decision form, the
    not-found and refused pages), each under axe; and the actions those tests do with a mouse
    done here with the keyboard alone: Tab to reach, type, Space to choose, Enter to send."""
    from playwright.sync_api import sync_playwright

    from tests.sync.concerns_helpers import Caller

    url, console = served
    world = console.world
    ours, theirs = console.child_of_team(world.team_a), console.child_of_team(world.team_b)
    assert world.worker.load is not None
    # Concerns about another child: one recorded rechecks that child's flags, and the fixture's
    # hand-made flag on `ours` is to stay open for the review queue.
    other = next(c.child_id for c in world.worker.load.children if c.child_id != ours)
    concern = Caller(world, world.worker).record([other]).json()["concern"]["concern_id"]
    flag = console.flag(ours, kind="visit_overdue", urgency="high")
    with sync_playwright() as pw:
        browser, page = _signed_in_page(pw, url)
        for address, heading in (
            (f"/console/children/{theirs}", "You cannot see this child's record"),
            ("/console/no-such-page", "Page not found"),
        ):
            page.goto(f"{url}{address}")
            assert page.get_by_role("heading", name=heading).count() == 1, address
            assert _axe(page) == [], address
        # The review queue first (a decision rechecks the child's flags, and would clear the
        # hand-made one the queue shows): a note typed, then Tab to the second button, Enter.
        page.goto(f"{url}/console/review")
        page.get_by_label("Note: what you checked, or what the worker should do").first.focus()
        page.keyboard.type("Please add who was caring for them (synthetic).")
        _keys(page, "Tab", "Tab")
        assert _focused_text(page) == "Back to the worker"
        with page.expect_navigation():
            _keys(page, "Enter")
        page.get_by_text("Sent back to the worker.").wait_for()
        # A flag acknowledged: the note typed, the button reached by Tab, sent with Enter.
        page.goto(f"{url}/console/flags/{flag}")
        page.get_by_label("Acknowledge: what are you doing about it?").focus()
        page.keyboard.type("Booked a visit for tomorrow (synthetic).")
        _keys(page, "Tab")
        assert _focused_text(page) == "Acknowledge the flag"
        _keys(page, "Enter")
        page.get_by_text("The flag is acknowledged.").wait_for()
        # A concern acknowledged the same way, on its own page.
        page.goto(f"{url}/console/concerns/{concern}")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-concern-page.png"), full_page=True)
        page.get_by_label("Acknowledge: what did you do?").focus()
        page.keyboard.type("Phoned the school, who will watch and report back (synthetic).")
        _keys(page, "Tab")
        assert _focused_text(page) == "Acknowledge the concern"
        _keys(page, "Enter")
        page.get_by_role("heading", name=re.compile("Acknowledged")).wait_for()
        assert _axe(page) == []
        # A decision: the kind chosen with Space, the date and the reason typed, Enter to send.
        page.goto(f"{url}/console/children/{ours}/decisions/new")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-decision.png"), full_page=True)
        page.locator('input[name="kind"]').first.focus()
        _keys(page, "Space")
        page.get_by_label("Day").focus()
        page.keyboard.type("2")
        _keys(page, "Tab")
        page.keyboard.type("3")
        _keys(page, "Tab")
        page.keyboard.type("2026")
        page.get_by_label("Why", exact=True).focus()
        page.keyboard.type("Agreed at the strategy discussion (synthetic).")
        page.get_by_role("button", name="Record the decision").focus()
        with page.expect_navigation():
            _keys(page, "Enter")
        assert "There is a problem" not in page.inner_text("main"), page.inner_text("main")
        assert _axe(page) == []
        # A phone call recorded: boxes ticked with Space, the list chosen by typing, Enter.
        page.goto(f"{url}/console/concerns/new")
        page.locator(f'input[name="children"][value="{other}"]').focus()
        _keys(page, "Space")
        page.get_by_label("Phone call").focus()
        _keys(page, "Space")
        for label, text in (("Day", "2"), ("Month", "3"), ("Year", "2026"), ("Time", "09:15"),
                            ("Their name", "Nan Example (synthetic)")):  # fmt: skip
            page.get_by_label(label, exact=True).focus()
            page.keyboard.type(text)
        page.get_by_label("Who they are to the child").focus()
        page.keyboard.type("Grandparent")
        page.get_by_label("What was said").focus()
        page.keyboard.type("Grandmother rang about the children (synthetic).")
        page.get_by_role("button", name="Record the concern").focus()
        with page.expect_navigation():
            _keys(page, "Enter")
        assert "The concern is recorded" in page.inner_text("main"), page.inner_text("main")
        # An export: the reason chosen with Space, the download asked for with Enter.
        page.goto(f"{url}/console/children/{ours}/export")
        page.get_by_role("radio", name="A subject access request").focus()
        _keys(page, "Space")
        page.get_by_role("button", name="Download a JSON document").focus()
        with page.expect_download() as download:
            _keys(page, "Enter")
        assert Path(download.value.path()).read_bytes().startswith(b"{")
        browser.close()
    assert len(world.audit(action="flag.acknowledged")) == 1
    assert world.audit(action="concern.acknowledged")
    assert world.audit(action="decision.record")


def test_a_sign_in_code_page_by_keyboard_alone_with_no_violations(
    served: tuple[str, Console],
) -> None:
    """An account that needs a code: the code page and its error under axe, the code typed and
    sent by keyboard alone."""
    import pyotp
    from playwright.sync_api import sync_playwright

    from sync.server.console import auth

    url, console = served
    made = auth.create_staff(
        console.db, org_id=ORG, practitioner_id=console.duty_id, username="duty.code",
        password=PASSWORD, totp=True, now=console.world.clock(),
    )  # fmt: skip
    assert made.otpauth_uri is not None
    code = pyotp.parse_uri(made.otpauth_uri).at(console.world.clock())
    with sync_playwright() as pw:
        browser, page = _new_page(pw)
        _signed_in(page, url, "duty.code", landing="/console/sign-in/code")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "console-code.png"), full_page=True)
        field = page.get_by_label(re.compile("code", re.IGNORECASE)).first
        field.focus()
        page.keyboard.type("000000")
        _keys(page, "Enter")
        page.get_by_text("That code is not right").first.wait_for()
        assert _axe(page) == []
        page.get_by_label(re.compile("code", re.IGNORECASE)).first.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(code)
        with page.expect_navigation():
            _keys(page, "Enter")
        assert "Signed in as Duty (synthetic), duty worker" in page.inner_text("main")
        browser.close()
