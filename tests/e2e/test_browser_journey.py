"""The practitioner's journey in headless Chromium against `seen demo`'s two processes: unlock,
the caseload, a complete visit where one child is not seen, the central record stopped (offline),
a second visit, the central record back, sync, and both visits acknowledged with receipts.
Controls are found by accessible role and name; each screen is photographed at phone size."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from models.caseload import Child
from seen_cli.demo import CHILDREN, DEMO_ORG, DEMO_PASSPHRASE, HOUSEHOLDS, SEED, RunningDemo
from synthetic import SyntheticCaseload, generate_caseload
from tests.e2e.conftest import Ui, publish

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The screenshots the README shows (docs/screenshots/), from artifacts/screenshots/.
README_SHOTS = ("01-unlock", "02-caseload", "03-child", "05-child-seen", "07-voice",
                "09-child-not-seen", "11-review-links", "13-sync-offline", "16-sync-acknowledged")  # fmt: skip


def _demo_caseload() -> SyntheticCaseload:
    return generate_caseload(
        seed=SEED, children=CHILDREN, households=HOUSEHOLDS, organisation_id=DEMO_ORG
    )


def _homes(load: SyntheticCaseload) -> list[list[Child]]:
    homes: dict[Any, list[Child]] = {}
    for child in load.children:
        homes.setdefault(child.household_id, []).append(child)
    return list(homes.values())


def _age(child: Child) -> float:
    assert child.date_of_birth is not None
    return (date.today() - child.date_of_birth).days / 365.25


def _unique(load: SyntheticCaseload, child: Child) -> bool:
    return sum(c.name == child.name for c in load.children) == 1


def _first_names(kids: list[Child]) -> list[str]:
    return [k.name.split(" ")[0] for k in kids]


def _asked(ui: Ui, question: str) -> bool:
    return ui.page.get_by_role("group", name=re.compile("^" + re.escape(question))).count() > 0


def _past_times() -> tuple[str, str]:
    """Today's start and end times, both already past: a visit dated after now is refused."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = max(now.replace(hour=0, minute=0), now - timedelta(hours=1))
    return f"{start:%H:%M}", f"{max(start, now - timedelta(minutes=15)):%H:%M}"


STARTED, ENDED = _past_times()


def _visit_step(ui: Ui, kids: list[Child], outcome: str) -> None:
    ui.text("Step 1 of")
    ui.fill("Started at", STARTED)
    ui.fill("Ended at", ENDED)
    ui.choose("What the visit was for", "Statutory visit")
    ui.choose("How you met", "Face to face")
    ui.choose("Was the visit announced?", "Yes")
    ui.choose("Where it took place", "Child's home")
    home = ui.role("radio", re.compile("^Home of "))  # the children's home, from the caseload
    assert home.is_checked()
    words = home.get_attribute("aria-label") or home.inner_text()
    assert all(name in words for name in _first_names(kids)), words
    ui.choose("Outcome", outcome)
    due = date.today() + timedelta(days=14)
    ui.fill("Next visit due", f"{due:%d/%m/%Y}")


def _not_seen(ui: Ui, child: Child, shots: list[Path]) -> None:
    ui.choose(f"Was {child.name} seen?", "No")
    ui.choose("Why not?", "At school or nursery")
    shots.append(ui.shot("09-child-not-seen"))
    ui.click("Continue")


def _open_child(ui: Ui, child: Child) -> None:
    ui.tab("Caseload")
    ui.fill("Search by name", child.name)
    ui.click(re.compile("^" + re.escape(child.name) + ","))
    ui.role("button", "Start visit")


def test_record_offline_and_sync_two_visits(browser_context: Any, demo: RunningDemo) -> None:
    load = _demo_caseload()
    homes = _homes(load)
    two = next(
        kids for kids in homes
        if len(kids) == 2 and _age(kids[0]) >= 4 and all(_unique(load, k) for k in kids)
    )  # fmt: skip
    one = next(kids for kids in homes if len(kids) == 1 and _unique(load, kids[0]))
    seen, not_seen, alone = two[0], two[1], one[0]
    mother = next(p.name for p in load.people if p.person_id == seen.links[0].person_id)
    shots: list[Path] = []

    ui = Ui(browser_context.pages[0])
    ui.open(demo.url)
    assert ui.page.title() == "Seen & Heard"
    ui.role("button", "Unlock")
    shots.append(ui.shot("01-unlock"))
    ui.fill("PIN or passphrase", "not the passphrase")
    ui.click("Unlock")
    ui.text("9 tries left")
    ui.fill("PIN or passphrase", DEMO_PASSPHRASE)
    ui.click("Unlock")

    # The caseload: overdue first, flags, search.
    ui.role("textbox", "Search by name")
    ui.text(f"of {CHILDREN} children")
    shots.append(ui.shot("02-caseload"))
    _open_child(ui, seen)
    ui.text("People on record")
    ui.role("checkbox", not_seen.name)
    shots.append(ui.shot("03-child"))
    ui.page.go_back()  # the browser's back button: the caseload, not out of the app
    ui.role("textbox", "Search by name")
    ui.page.go_forward()
    ui.role("checkbox", not_seen.name)

    # Visit 1: two children, one not seen.
    ui.click("Start visit")
    _visit_step(ui, two, "Completed, not all children seen")
    shots.append(ui.shot("04-visit"))
    ui.click("Continue")  # the children come in the caseload's order: whoever is most overdue first
    ui.text(re.compile(r": seen\?$"))
    ui.page.wait_for_url(re.compile(r"/child/0$"))
    ui.page.go_back()  # back to the previous step, with what was answered
    ui.text("Step 1 of")
    ui.text("How you met: Face to face")  # what was answered is still there
    ui.click("Continue")
    ui.text(re.compile(r": seen\?$"))
    not_seen_first = _asked(ui, f"Was {not_seen.name} seen?")
    if not_seen_first:
        _not_seen(ui, not_seen, shots)
    ui.choose(f"Was {seen.name} seen?", "Yes")
    ui.choose(f"Was {seen.name} seen alone?", "Yes")
    ui.choose("Where?", "Child's bedroom")
    ui.choose(f"Was {seen.name} awake when you saw them?", "Yes")
    ui.choose(f"Did you see where {seen.name} sleeps?", "Yes")
    shots.append(ui.shot("05-child-seen"))
    ui.click("Continue")
    ui.choose(f"How does {seen.name} communicate?", "Talks (English)")
    ui.fill(f"What {seen.name} said, in their own words", "I like my room\nMum helps with homework")
    ui.tick("Conversation")
    ui.fill(f"{seen.name}'s wishes and feelings", "Wants things to stay as they are")
    ui.fill("Your analysis", "Relaxed and chatty; no worries raised")
    ui.top()
    shots.append(ui.shot("07-voice"))
    ui.click("Continue")
    ui.fill(f"How {seen.name} presented", "Clean school uniform, cheerful")
    shots.append(ui.shot("08-observations"))
    ui.click("Continue")
    if not not_seen_first:
        _not_seen(ui, not_seen, shots)
    ui.click(f"{mother} is here")
    ui.role("heading", mother)
    shots.append(ui.shot("10-people"))
    ui.click("Continue")
    ui.choose("Is there a safeguarding concern now?", "None")
    ui.click("Continue")
    ui.text("Check and submit")
    problem = f"Describe how {seen.name} was with {mother}."
    ui.text("Tap one to go to where it is answered")
    shots.append(ui.shot("11-review-links"))
    ui.click(problem)  # the review links to the step that answers it
    ui.fill(f"How {seen.name} was with {mother}", "Went to her for a hug when upset")
    for _ in range(6):
        ui.click("Continue")
        if ui.page.get_by_text("Check and submit").count():
            break
    ui.text("Everything needed is here")
    ui.click("Submit visit")
    ui.text("Submitted and locked")
    shots.append(ui.shot("12-submitted"))
    ui.click("Back to caseload")

    # The central record goes away: the app keeps working and says so.
    demo.server.stop()
    ui.tab("Sync")
    ui.click("Sync now")
    ui.text("No connection to the central record", timeout=30, scroll=False)
    shots.append(ui.shot("13-sync-offline"))

    # Visit 2, offline: no answer at the door.
    _open_child(ui, alone)
    ui.click("Start visit")
    _visit_step(ui, one, "No access: no answer")
    ui.tick("Phoned family")
    ui.tick("Looked for movement")
    ui.click("Continue")
    ui.choose(f"Was {alone.name} seen?", "No")
    ui.choose("Why not?", "No access")
    ui.click("Continue")
    ui.text("Who is here and who cares")  # nobody: no one answered the door
    ui.click("Continue")
    ui.choose("Is there a safeguarding concern now?", "None")
    ui.click("Continue")
    ui.text("Check and submit")
    ui.text("Everything needed is here")
    shots.append(ui.shot("14-review-ok"))
    ui.click("Submit visit")
    ui.text("Submitted and locked")
    ui.click("Back to caseload")
    ui.tab("Sync")
    ui.text("2 records waiting for the central record", scroll=False)
    shots.append(ui.shot("15-sync-waiting"))

    # The central record is back: sync, and both visits are acknowledged with receipts.
    demo.server.start().wait_ready()
    ui.click("Sync now")
    ui.text("Everything is acknowledged by the central record.", timeout=30, scroll=False)
    today = f"Visit {datetime.now(UTC):%d %b %Y} {STARTED}: "
    ui.text(today)
    lines = ui.page.get_by_text(re.compile("^" + re.escape(today))).all_inner_texts()
    acknowledged = {}
    for (
        line
    ) in lines:  # "Visit <when>: <children> Saved <when> Acknowledged. Receipt <ref> at <time>"
        found = re.fullmatch(
            r"(.+?)\s+Saved [^A]+?\s+Acknowledged\. Receipt ([0-9a-f]{8}) at .+",
            line[len(today) :],
        )
        if found:
            acknowledged[frozenset(found.group(1).split(", "))] = found.group(2)
    for kids in (two, one):
        assert frozenset(k.name for k in kids) in acknowledged, lines
    receipts = set(acknowledged.values())
    assert len(receipts) == 2
    ui.top()  # ours are the latest: at the top of the acknowledged
    shots.append(ui.shot("16-sync-acknowledged"))

    # Settings, and locking.
    ui.tab("Settings")
    ui.role("button", "Lock now")
    shots.append(ui.shot("17-settings"))
    ui.click("Lock now")
    ui.text("Locked to keep records safe")
    publish([s for s in shots if s.stem in README_SHOTS])
