"""The practitioner's journey in headless Chromium against `seen demo`'s two processes: unlock,
the caseload, a complete visit where one child is not seen (its review a check of answers whose
links land on the field), amended from the visit, a draft offered and discarded, the central
record stopped (offline), a second visit, the central record back, sync, and both visits
acknowledged with receipts; then amending from the child's history, and a child with another carer
where an adult under a contact restriction is marked here (the warning at once).
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
from tests.e2e.conftest import PHONE, Ui, publish

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


def _visit_step(ui: Ui, kids: list[Child], outcome: str | None) -> None:
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
    if outcome is not None:  # left for the review to find
        ui.choose("Outcome", outcome)
    due = date.today() + timedelta(days=14)
    ui.fill("Next visit due", f"{due:%d/%m/%Y}")


def _not_seen(ui: Ui, child: Child, shots: list[Path]) -> None:
    ui.choose(f"Was {child.name} seen?", "No")
    ui.choose("Why not?", "At school or nursery")
    shots.append(ui.shot("09-child-not-seen"))
    ui.click("Continue")


def _to_review(ui: Ui, title: str = "Check and submit") -> None:
    for _ in range(10):
        if ui.page.get_by_text(title).count():
            return
        ui.click("Continue")
    ui.text(title)


def _amend_from_the_visit(ui: Ui, shots: list[Path]) -> None:
    """The submitted visit is amended where it is: the same controls, the recorded answer beside
    the new one, and the reason required."""
    ui.click("Amend this visit")
    ui.text("Amending: step 1 of")
    ui.choose("Was the visit announced?", "No")
    ui.text("Recorded as: Yes")
    _to_review(ui, "Check and save the amendment")
    ui.text("What you changed")
    ui.text("Recorded as: Yes")
    ui.click("Save amendment")
    ui.text("Say why you are amending the record")
    ui.fill("Why you are amending it", "It was not announced: I misremembered")
    shots.append(ui.shot("12b-amend-review"))
    ui.click("Save amendment")
    ui.text("Amendment saved")


def _landed_in_view(ui: Ui, role: str, name: str, title: str) -> None:
    """After a review link: the step scrolled (its title gone up) until the field is wholly on
    screen above the bottom bar, without the test scrolling."""
    ui.page.wait_for_timeout(1200)  # the app scrolls (300 ms) after the step is drawn
    found = ui.wait(ui.page.get_by_role(role, name=re.compile("^" + re.escape(name))), scroll=False)
    box = found.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] - 80
    heading = ui.page.get_by_role("heading", name=title, exact=True)
    top = heading.bounding_box() if heading.count() else None
    assert top is None or top["y"] + top["height"] <= 56, top  # under the app bar: scrolled


def _drafts_one_per_household(ui: Ui, child: Child, shots: list[Path]) -> None:
    """A draft left for a household is offered when a visit starts there; discarding it is
    confirmed, from the offer and from the caseload's list."""
    _open_child(ui, child)
    ui.click("Start visit")
    ui.text("Step 1 of")
    ui.click("Save and close")
    ui.text("Carry on recording")
    _open_child(ui, child)
    ui.click("Start visit")
    ui.text("There is already a draft for this household.")
    shots.append(ui.shot("12a-draft-offer"))
    ui.click("Discard it and start again")
    ui.text("Discard this draft? Everything in it is deleted from this device.")
    ui.click("Yes, discard it")
    ui.text("Step 1 of")  # a new visit, the old draft gone
    ui.click("Save and close")
    ui.click(re.compile(r"^Discard draft \("))
    ui.click("Keep it")
    ui.text("Carry on recording")
    ui.click(re.compile(r"^Discard draft \("))
    ui.click("Yes, discard it")
    ui.text("Draft discarded.")
    ui.gone(ui.page.get_by_text("Carry on recording"))


def _amend_from_history(ui: Ui, child: Child, shots: list[Path]) -> None:
    """The child's screen lists their visits, newest first; this practitioner's submitted visit
    opens the same amend flow from there, its button named by the visit's date."""
    _open_child(ui, child)
    ui.role("heading", "Visits, newest first")
    ui.text("Submitted, then amended")
    amend = f"Amend this visit, {datetime.now(UTC):%d %b %Y} {STARTED}"
    ui.role("button", amend)
    assert ui.targets("child with a visit") == []  # the amend button too: 48 px and named
    ui.click(amend)
    ui.text("Amending: step 1 of")
    announced = ui.role("group", re.compile(r"^Was the visit announced\?"))
    assert announced.get_by_role("radio", name="No", exact=True).is_checked()  # as amended
    shots.append(ui.shot("19-amend-from-history"))
    ui.click("Cancel amendment")
    ui.role("textbox", "Search by name")


def _absent_carer_and_restriction(ui: Ui, load: SyntheticCaseload, shots: list[Path]) -> None:
    """A child not seen because they are with another carer: someone new, recorded with name,
    relationship and where the child is, and not as here. Then an adult under a contact
    restriction marked here: the warning, in words, at once. Left as a draft."""
    assert load.restrictions, "the demo caseload holds no contact restriction"
    r = load.restrictions[0]
    child = next(c for c in load.children if c.child_id == r.child_id)
    father = next(p.name for p in load.people if p.person_id == r.person_id)
    assert _unique(load, child)
    _open_child(ui, child)
    ui.text(f"Contact restriction on {father} with {child.name}")
    for other in load.children:  # this visit is about the restricted child alone
        if other.household_id == child.household_id and other.child_id != child.child_id:
            ui.tick(other.name)
    ui.click("Start visit")
    ui.text("Step 1 of")
    ui.click("Continue")
    ui.choose(f"Was {child.name} seen?", "No")
    ui.choose("Why not?", "With another carer")
    ui.choose(f"Who is {child.name} with?", "Someone not on the list")
    ui.fill("Their name", "Marigold Fakeworth")
    ui.choose(f"Who they are to {child.name}", "Grandparent")
    ui.fill(f"Where is {child.name} staying?", "At her grandmother's, 4 Sample Row")
    shots.append(ui.shot("18-absent-carer"))
    ui.click("Continue")
    ui.text("Who is here and who cares")
    ui.click(f"{father} is here")
    ui.role("heading", father)
    ui.text(f"{father} is recorded as caring for the children: this goes against it.")
    ui.text(f"Make sure {child.name} is safe now and tell your manager today.")
    assert ui.page.get_by_role("heading", name="Marigold Fakeworth").count() == 0  # not here
    shots.append(ui.shot("18b-restriction-warning"))
    ui.click("Save and close")
    ui.text("Carry on recording")


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
    _visit_step(ui, two, None)
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
    ui.role("heading", f"{seen.name}: what you saw")  # grouped by child and step
    ui.role("heading", "The visit")
    ui.text("What submitting will lock")
    ui.text("Not seen: At school or nursery.")  # the readback of what will be locked
    ui.top()
    ui.click("Choose the outcome of the visit.")  # lands on the field, far down its step
    ui.text("Step 1 of", scroll=False)
    _landed_in_view(ui, "group", "Outcome", "The visit")
    ui.choose("Outcome", "Completed, not all children seen")
    _to_review(ui)
    ui.click(problem)
    _landed_in_view(
        ui, "textbox", f"How {seen.name} was with {mother}", f"{seen.name}: what you saw"
    )
    ui.fill(f"How {seen.name} was with {mother}", "Went to her for a hug when upset")
    _to_review(ui)
    ui.text("Everything needed is here")
    ui.click("Submit visit")
    ui.text("Submitted and locked")
    shots.append(ui.shot("12-submitted"))
    _amend_from_the_visit(ui, shots)
    ui.click("Back to caseload")
    _drafts_one_per_household(ui, alone, shots)

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
    ui.text("3 records waiting for the central record", scroll=False)  # two visits, an amendment
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

    _amend_from_history(ui, seen, shots)
    _absent_carer_and_restriction(ui, load, shots)

    # Settings, and locking.
    ui.tab("Settings")
    ui.role("button", "Lock now")
    shots.append(ui.shot("17-settings"))
    ui.click("Lock now")
    ui.text("Locked to keep records safe")
    publish([s for s in shots if s.stem in README_SHOTS])
