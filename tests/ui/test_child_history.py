"""The child's screen (issue 12, items 10 and 3): the chronology of visits, newest first, seen or not,
by whom and what waits to sync; and each contact restriction touching the child, in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from mobile.services.caseload import CaseloadService
from mobile.services.chronology import HistoryEntry
from mobile.store import DeviceStore
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.child_history import history_line, restriction_lines
from mobile.ui.viewmodels.labels import restriction_words
from mobile.ui.viewmodels.visit.amending import AmendRecorder
from models.caseload import ContactRestriction
from models.enums import ContactRestrictionType, RecordStatus
from synthetic import SyntheticCaseload, generate_caseload
from tests.conftest import FIXED_NOW
from tests.services.conftest import FAST_KDF
from tests.store.conftest import caseload_changes
from tests.store.device import device_of
from tests.ui.conftest import PASSPHRASE
from tests.ui.journey import household_of_two, submit_one


def _open(app: AppViewModel, child_id):  # type: ignore[no-untyped-def]
    app.open_child(child_id)
    assert app.child is not None and app.child.detail is not None, app.child and app.child.error
    return app.child


def test_history_is_newest_first_says_seen_or_not_by_whom_and_what_waits(
    app: AppViewModel, load: SyntheticCaseload
) -> None:
    first, second = household_of_two(load)
    assert _open(app, second).history() == []
    submit_one(app, load, not_seen={1})  # the second child of the household is not seen
    app.go_caseload()
    app.start_visit([second])  # a draft, started now: after the submitted visit
    app.go_caseload()

    lines = _open(app, second).history()
    assert len(lines) == 2
    draft, visit = lines
    assert "Draft, not submitted" in draft.detail and "Not sent" in draft.detail
    assert "not seen: at school or nursery" in visit.title
    assert visit.detail.startswith("By you. Submitted.")
    assert "Waiting to send to the central record" in visit.detail and visit.waiting
    assert visit.title.startswith("02 Mar 2026 10:00")
    seen = _open(app, first).history()
    assert [line.title for line in seen] == ["02 Mar 2026 10:00: seen, not alone"]

    assert app.services is not None
    assert app.services.sync.sync_now().last_error == ""
    after = _open(app, first).history()
    assert "At the central record" in after[0].detail and not after[0].waiting
    assert "Waiting" not in after[0].spoken


@pytest.fixture
def restricted(tmp_path: Path) -> Iterator[tuple[SyntheticCaseload, CaseloadService]]:
    """A real store holding a caseload with restricted adults linked across households."""
    big = generate_caseload(seed=5, children=60, households=25)
    assert big.restrictions
    store = DeviceStore.create(
        tmp_path / "dev", passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=lambda: FIXED_NOW
    )
    try:
        device_of(store).apply_caseload_changes(caseload_changes(big), cursor="1")
        yield (
            big,
            CaseloadService(
                store=store, clock=lambda: FIXED_NOW, practitioner_id=big.practitioner_id
            ),
        )
    finally:
        store.close()


def _restrictions(service: CaseloadService, child_id: UUID) -> list[str]:
    return restriction_lines(service.child(child_id))


def test_restrictions_show_who_which_child_what_source_and_until(restricted) -> None:
    load, service = restricted
    r = load.restrictions[0]
    person = next(p.name for p in load.people if p.person_id == r.person_id)
    restricted_child = next(c for c in load.children if c.child_id == r.child_id)
    words = _restrictions(service, r.child_id)
    assert words == [
        f"Contact restriction on {person} with {restricted_child.name}: supervised contact only "
        f"({r.source}, with no end date)."
    ]
    # A child in the adult's other household sees the same restriction: the link between homes.
    elsewhere = [
        c
        for c in load.children
        if c.child_id != r.child_id and any(k.person_id == r.person_id for k in c.links)
    ]
    assert elsewhere
    for child in elsewhere:
        assert words[0] in _restrictions(service, child.child_id)


def test_a_child_with_no_restricted_adult_shows_no_one_elses_restriction(restricted) -> None:
    load, service = restricted
    people = {r.person_id for r in load.restrictions}
    free = [
        c
        for c in load.children
        if c.child_id not in {r.child_id for r in load.restrictions}
        and not any(k.person_id in people for k in c.links)
    ]
    assert free
    for child in free:
        assert _restrictions(service, child.child_id) == []


def test_a_restriction_in_words_names_no_end_or_source_plainly() -> None:
    r = ContactRestriction(
        restriction_id=uuid4(), person_id=uuid4(), child_id=uuid4(),
        restriction_type=ContactRestrictionType.NO_CONTACT, source="  ",
        expires_on=date(2027, 6, 1),
    )  # fmt: skip
    assert restriction_words(r, "Dan Bell", "Ana Bell") == (
        "Contact restriction on Dan Bell with Ana Bell: no contact (source not recorded, "
        "until 01 June 2027)."
    )


def test_each_of_my_submitted_visits_can_be_amended_from_the_childs_history(
    app: AppViewModel, load: SyntheticCaseload
) -> None:
    _first, second = household_of_two(load)
    visit_id = submit_one(app, load, not_seen={1})
    app.go_caseload()
    app.start_visit([second])  # a draft: resumed, never amended
    app.go_caseload()
    child = _open(app, second)
    draft, visit = child.history()
    assert draft.amend_id is None
    assert visit.amend_id == visit_id
    assert visit.amend_words == "Amend this visit, 02 Mar 2026 10:00"  # the date names it

    child.amend(uuid4())  # a visit not in this child's history opens nothing
    assert app.screen == Screen.CHILD
    child.amend(visit_id)
    assert app.screen == Screen.VISIT and isinstance(app.recorder, AmendRecorder)
    assert app.recorder.original.visit_id == visit_id


def test_a_colleagues_visit_from_the_central_record_offers_no_amend() -> None:
    entry = HistoryEntry(FIXED_NOW, uuid4(), None, by_me=False, colleague_seen=True)
    mine_elsewhere = HistoryEntry(FIXED_NOW, uuid4(), RecordStatus.SUBMITTED, by_me=False)
    assert [line.amend_id for line in map(history_line, [entry, mine_elsewhere])] == [None, None]
