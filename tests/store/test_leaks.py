"""No personal data in plaintext anywhere under the data directory, nor in the logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from mobile.services.caseload import CaseloadService
from mobile.store import DeviceStore
from models.amendment import Amendment, FieldChange
from models.ids import new_id
from models.receipt import CaseloadChange, Receipt, ReceiptStatus
from models.visit import Quote
from synthetic import generate_caseload
from tests.store.device import device_of

from .conftest import FAST_KDF, PASSPHRASE, FakeClock

# Distinctive strings set on synthetic records, so a hit cannot be a coincidence.
CHILD_NAME = "Zephyrine Quuxwell-Notreal"
CARER_NAME = "Barnaby Zzyzxton-Fictitious"
ADDRESS = "77 Quagmirequay Crescent, Imaginary Town"
QUOTE = "Xylophonic marmalade makes me sad (synthetic)"
NOTES = "Vorpalish escalation note, synthetic only"
AMENDED_NOTES = "Frabjousish amended note, synthetic only"
REASON = "Snickersnackish amendment reason (synthetic)"
REPORTER = "Jubjubina Tumtumtree-Placeholder"
CONCERN = "Bandersnatchy concern text, synthetic"
ACTION = "Callooh-callay action taken, synthetic"
PROBLEM = "Mimsyborogove rejection words, synthetic"
CREDENTIAL = "cred-Tulgey-Wood-7781-synthetic"


def _forms(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leaks(blobs: dict[str, bytes], needles: list[str]) -> list[tuple[str, str]]:
    return [
        (name, needle)
        for name, raw in blobs.items()
        for needle in needles
        for form in _forms(needle)
        if form in raw
    ]


def test_no_personal_data_in_database_wal_journal_temp_files_or_logs(
    tmp_path: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    to_changes: Callable[..., list[CaseloadChange]],
) -> None:
    data_dir = tmp_path / "device"
    (data_dir / "tmp").mkdir(parents=True)
    monkeypatch.setenv("SQLITE_TMPDIR", str(data_dir / "tmp"))  # any SQLite temp file lands here
    caplog.set_level(logging.DEBUG)

    load = generate_caseload(seed=5, children=8, households=4, visits_per_child=2, concerns=2)
    load.children[0].name = CHILD_NAME
    load.households[0].address = ADDRESS
    load.people[0].name = CARER_NAME
    load.concerns[0].reporter.name = REPORTER
    load.concerns[0].content = CONCERN
    for visit in load.visits:
        visit.escalation_notes = NOTES
        visit.location_description = ADDRESS
        for person in visit.persons_present:
            person.name = CARER_NAME
        for outcome in visit.children:
            outcome.voice.words_verbatim = [Quote(text=QUOTE)]
            outcome.voice.wishes_and_feelings = QUOTE
    needles = [
        CHILD_NAME, CARER_NAME, ADDRESS, QUOTE, NOTES, AMENDED_NOTES, REASON, REPORTER,
        CONCERN, ACTION, PROBLEM, CREDENTIAL,
        *(c.name for c in load.children), *(p.name for p in load.people),
        *(h.address for h in load.households),
        *(c.nhs_number for c in load.children if c.nhs_number),
        *(c.date_of_birth.isoformat() for c in load.children if c.date_of_birth),
        *(p.date_of_birth.isoformat() for p in load.people if p.date_of_birth),
    ]  # fmt: skip

    store = DeviceStore.create(data_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    device_of(store).apply_caseload_changes(to_changes(load), cursor="opaque-cursor")
    store.set_setting("device_credential", CREDENTIAL)
    submitted = []
    for index, visit in enumerate(load.visits):
        device_of(store).save_draft(visit)
        if index % 2 == 0:
            submitted.append(device_of(store).submit_visit(visit.visit_id))
    first = submitted[0]
    device_of(store).add_amendment(
        Amendment(
            amendment_id=new_id(), amends_visit_id=first.visit_id, amends_revision=1,
            changes=[FieldChange(field_path="escalation_notes", old_value=NOTES,
                                 new_value=AMENDED_NOTES)],
            reason=REASON, author_id=load.practitioner_id, at=clock.now,
        )
    )  # fmt: skip
    device_of(store).acknowledge_concern(
        concern_id=load.concerns[0].concern_id, by=load.practitioner_id, action_taken=ACTION
    )
    device_of(store).record_receipts(
        [Receipt(record_id=submitted[1].visit_id, revision=1, status=ReceiptStatus.REJECTED,
                 problems=[PROBLEM, f"{CHILD_NAME} was not seen"])]
    )  # fmt: skip
    device_of(store).record_receipts(
        [Receipt(record_id=submitted[2].visit_id, revision=1, status=ReceiptStatus.ACCEPTED)]
    )
    # Read everything back (reads must not write plaintext anywhere either).
    assert any(c.name == CHILD_NAME for c in device_of(store).list_children())
    device_of(store).caseload_summary()
    device_of(store).sync_state()
    # The caseload screen's rows are cached in the store, sealed like every record.
    shown = CaseloadService(store=store, clock=clock, practitioner_id=load.practitioner_id)
    assert any(row.name == CHILD_NAME for row in shown.rows())
    device_of(store).list_quarantine()

    while_open = _files(data_dir)
    assert "records.db-wal" in while_open  # the WAL is really there to be checked
    assert _leaks(while_open, needles) == []
    store.close()
    after_close = _files(data_dir)
    assert _leaks(after_close, needles) == []
    assert _leaks({"logs": caplog.text.encode()}, needles) == []

    # The check can find a leak: a value stored in plaintext on purpose is found, in the WAL.
    reopened = DeviceStore.open(data_dir, clock=clock)
    reopened.unlock(PASSPHRASE)
    assert device_of(reopened).get_visit(first.visit_id).escalation_notes == AMENDED_NOTES
    reopened.set_plain_setting("app_version", QUOTE)
    assert ("records.db-wal", QUOTE) in _leaks(_files(data_dir), needles)
    reopened.close()
