"""Sure taps and back navigation in the real browser at phone width (412 CSS px): on every screen
of a visit's journey, every interactive element is at least 48 x 48 CSS px and has an accessible
name; the browser's back button goes to the previous step or screen, not out of the app."""

from __future__ import annotations

import re
from typing import Any

import pytest

from seen_cli.demo import DEMO_PASSPHRASE, RunningDemo
from tests.e2e.conftest import Ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_target_is_48px_and_named_and_back_goes_back(
    browser_context: Any, demo: RunningDemo
) -> None:
    ui = Ui(browser_context.pages[0])
    ui.open(demo.url)
    short: list[str] = []
    ui.role("button", "Unlock")
    short += ui.targets("unlock")
    ui.fill("PIN or passphrase", DEMO_PASSPHRASE)
    ui.click("Unlock")
    ui.role("textbox", "Search by name")
    ui.page.wait_for_url(re.compile(r"/caseload$"))
    short += ui.targets("caseload")
    caseload_url = ui.page.url

    ui.page.get_by_role("button", name=re.compile(r", ")).first.click()  # the first child
    ui.role("button", "Start visit")
    ui.text("Visits, newest first")
    ui.page.wait_for_url(re.compile(r"/child/[0-9a-f-]{36}$"))
    short += ui.targets("child")
    ui.page.go_back()  # the browser's back button: the caseload, still in the app
    ui.role("textbox", "Search by name")
    assert ui.page.url == caseload_url
    ui.page.go_forward()
    ui.click("Start visit")
    ui.text("Step 1 of")
    ui.page.wait_for_url(re.compile(r"/visit/[0-9a-f-]{36}/visit$"))
    first_step = ui.page.url
    short += ui.targets("visit step 1")
    ui.click("Continue")
    ui.text("Step 2 of")
    ui.page.wait_for_url(re.compile(r"/visit/[0-9a-f-]{36}/child/0$"))
    ui.page.go_back()  # back to the previous step, not out of the visit
    ui.text("Step 1 of")
    ui.page.wait_for_url(first_step)
    ui.click("Continue")
    step = 2
    while not ui.page.get_by_text("Check and submit").count() and step < 12:
        ui.text(f"Step {step} of")
        short += ui.targets(f"visit step {step}")
        ui.click("Continue")
        step += 1
    ui.text("Check and submit")
    short += ui.targets("review")
    ui.click("Back")  # the bar's Back: the step before the review
    ui.text(f"Step {step - 1} of")
    ui.click("Save and close")
    ui.role("textbox", "Search by name")
    ui.tab("Sync")
    ui.role("button", "Sync now")
    short += ui.targets("sync")
    ui.tab("Settings")
    ui.role("button", "Lock now")
    short += ui.targets("settings")
    ui.shot("targets-settings")
    assert short == [], "\n".join(short)
