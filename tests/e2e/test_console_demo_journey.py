"""The manager's journey through the console of `seen demo`, in Debian's Chromium: sign in with
the sign-in the demo prints, find the child not seen at the top of the dashboard, open them,
acknowledge the flag with a note, record a phone call (a confidential reporter), send the visit
back to the worker, export the record as a PDF (the reporter redacted); then the worker's device
(the demo's own encrypted store) syncs and holds the concern and the task."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from mobile.services.session import Session
from seen_cli.demo import (
    DEMO_CONSOLE_PASSWORD,
    DEMO_CONSOLE_USERNAME,
    DEMO_ORG,
    DEMO_PASSPHRASE,
    RunningDemo,
)
from sync.client import SyncClient
from tests.e2e.conftest import ARGS, CHROMIUM, SHOTS

pytestmark = pytest.mark.slow

REPORTER = "Nan Example (synthetic)"
SAID = "Grandmother rang: the children were alone overnight (synthetic)."
BACK = "Please add who was caring for the children that evening (synthetic)."


def _page(pw: Any) -> tuple[Any, Any]:
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    page = browser.new_page(viewport={"width": 1024, "height": 768}, accept_downloads=True)
    page.set_default_timeout(20_000)
    return browser, page


def test_a_manager_acts_on_a_child_not_seen_and_the_workers_device_hears_of_it(
    demo: RunningDemo,
) -> None:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    console = f"{demo.server_url}/console"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser, page = _page(pw)
        page.goto(f"{console}/sign-in")
        page.get_by_label("Organisation").fill(DEMO_ORG)
        page.get_by_label("Username").fill(DEMO_CONSOLE_USERNAME)
        page.get_by_label("Password").fill(DEMO_CONSOLE_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{console}/")
        # The first table on the dashboard: the children not seen, the most urgent first.
        first = page.locator("#not-seen ~ table").first.locator("tbody tr").first
        child_link = first.locator('a[href^="/console/children/"]')
        child_name = child_link.inner_text().strip()
        child_id = child_link.get_attribute("href").rsplit("/", 1)[-1]
        flag_href = first.locator('a[href^="/console/flags/"]').get_attribute("href")
        child_link.click()
        page.get_by_role("heading", name=re.compile(re.escape(child_name))).first.wait_for()
        assert "Chronology, newest first" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / "console-demo-child.png"), full_page=True)

        page.goto(f"{demo.server_url}{flag_href}")
        page.get_by_label("Acknowledge: what are you doing about it?").fill(
            "Rang the worker; a visit is booked for tomorrow (synthetic)."
        )
        page.get_by_role("button", name="Acknowledge the flag").click()
        page.get_by_text("The flag is acknowledged.").wait_for()

        page.goto(f"{console}/concerns/new?child={child_id}")
        page.locator(f'input[name="children"][value="{child_id}"]').check()
        page.get_by_label("What was said").fill(SAID)
        page.get_by_label("Phone call").check()
        today = datetime.now(UTC)
        page.get_by_label("Day").fill(str(today.day))
        page.get_by_label("Month").fill(str(today.month))
        page.get_by_label("Year").fill(str(today.year))
        page.get_by_label("Time").fill("00:05")
        page.get_by_label("Their name").fill(REPORTER)
        page.get_by_label("Who they are to the child").select_option(label="Grandparent")
        page.get_by_label("Keep who they are confidential").check()
        page.get_by_role("button", name="Record the concern").click()
        page.wait_for_load_state()
        assert "The concern is recorded" in page.inner_text("main"), page.inner_text("main")

        page.goto(f"{console}/review")
        item = page.locator(".seen-review-item").filter(
            has=page.locator(f'a[href="/console/children/{child_id}"]')
        ).first  # fmt: skip
        item.get_by_label("Note: what you checked, or what the worker should do").fill(BACK)
        item.get_by_role("button", name="Back to the worker").click()
        page.get_by_text("Sent back to the worker.").wait_for()

        page.goto(f"{console}/children/{child_id}/export")
        page.get_by_role("radio", name="A subject access request").check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download a PDF").click()
        pdf = Path(download.value.path()).read_bytes()
        browser.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert child_name.split()[0] in text and "redacted" in text and REPORTER not in text

    # The worker's device: the demo's own store, synced once the app has let it go.
    demo.app.stop()
    clients: list[httpx.Client] = []

    def connect(url: str, credential: str | None) -> SyncClient:
        clients.append(http := httpx.Client(base_url=url, timeout=30))
        return SyncClient(http, credential=credential)

    device = Session(
        data_dir=demo.root / "device", clock=lambda: datetime.now(UTC), connect=connect
    )
    try:
        device.unlock(DEMO_PASSPHRASE)
        services = device.services()
        assert services.sync.sync_now().last_error == ""
        detail = services.caseload.child(UUID(child_id))
        assert any(SAID in c.content for c in detail.concerns_awaiting), detail.concerns_awaiting
        assert any(BACK in t.what_to_do for t in detail.tasks), detail.tasks
    finally:
        device.close()
        for http in clients:
            http.close()
