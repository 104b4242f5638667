"""Every screen in headless Chromium, found by accessible role and name, with phone screenshots.

Runs the real Flet UI over the in-memory services (tests/e2e/fake_app.py) until `seen demo` wires
the store and server; the same steps then run against the demo.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from models.synthetic import generate_caseload
from tests.e2e.conftest import Ui, wait_port
from tests.ui.fakes import PIN

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _household_child() -> tuple[str, int]:
    load = generate_caseload(seed=5, children=12, households=5)  # as fake_app.py
    counts: dict[Any, int] = {}
    for c in load.children:
        counts[c.household_id] = counts.get(c.household_id, 0) + 1
    child = next(c for c in load.children if counts[c.household_id] >= 2)
    return child.name, counts[child.household_id]


def test_screens_unlock_caseload_child_visit_review_sync_settings(
    browser_context: Any, fake_stack: dict[str, Any]
) -> None:
    ui = Ui(browser_context.pages[0])
    ui.open(fake_stack["url"])
    ui.role("button", "Unlock")
    assert ui.page.title() == "Seen & Heard"
    ui.fill("PIN or passphrase", "0000")
    ui.click("Unlock")
    ui.text("tries left")
    ui.shot("01-unlock-wrong-pin")
    ui.page.wait_for_timeout(2200)  # the wrong-PIN delay
    ui.fill("PIN or passphrase", PIN)
    ui.click("Unlock")
    ui.role("textbox", "Search by name")
    ui.shot("02-caseload")

    name, _ = _household_child()
    ui.fill("Search by name", name.split()[0])
    ui.click(re.compile(re.escape(name)))
    ui.role("button", "Start visit")
    ui.shot("03-child")
    ui.click("Start visit")
    ui.text("Step 1 of")
    ui.shot("04-visit-step")
    ui.choose("Was the visit announced?", "Yes")
    ui.choose("What the visit was for", "Statutory visit")
    ui.click("Next")
    ui.choose(f"Was {name} seen?", "No")
    ui.role("group", re.compile("^Why not"))
    ui.shot("05-child-not-seen")
    ui.choose("Why not?", "With another carer")
    ui.role("textbox", f"Where is {name} staying?")
    ui.shot("06-with-another-carer")

    ui.click("Save and close")
    ui.click(re.compile("^Draft from"))
    ui.text("Step 1 of")  # the draft reopened from the store
    for _ in range(12):
        if ui.page.get_by_role("button", name="Submit visit", exact=True).count():
            break
        ui.click("Next")
    ui.text("Check and submit")
    ui.text("Tap one to go to where it is answered")
    ui.shot("07-review")

    ui.click("Save and close")
    ui.page.get_by_role("tab", name=re.compile("Sync")).or_(
        ui.page.get_by_role("button", name=re.compile("Sync"))
    ).first.click()
    ui.role("button", "Sync now")
    ui.text("Nothing to send yet")
    ui.shot("08-sync")
    fake_stack["server"].stop()
    ui.click("Sync now")
    ui.text("No connection to the central record")
    fake_stack["server"].start()
    wait_port(fake_stack["server_port"])

    ui.page.get_by_role("tab", name=re.compile("Settings")).or_(
        ui.page.get_by_role("button", name=re.compile("Settings"))
    ).first.click()
    ui.role("button", "Lock now")
    ui.shot("09-settings")
    ui.click("Lock now")
    ui.text("Locked to keep records safe")
    ui.shot("10-locked")
