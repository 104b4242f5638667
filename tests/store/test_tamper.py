"""A tampered, damaged or moved blob is reported for that one record, never a crash of the list."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from mobile.store import CorruptRecord, DeviceStore
from models.receipt import CaseloadChange
from synthetic import SyntheticCaseload
from tests.store.device import device_of

from .conftest import FakeClock


def _sql(store: DeviceStore, statement: str, *args: object) -> None:
    """Change the file behind the store's back, as an attacker or a bad sector would."""
    with closing(sqlite3.connect(store.data_dir / "records.db")) as conn, conn:
        conn.execute(statement, args)


def _flip_byte(blob: bytes, index: int = -5) -> bytes:
    raw = bytearray(blob)
    raw[index] ^= 0x01
    return bytes(raw)


def _body(store: DeviceStore, visit_id: object, table: str = "visit") -> bytes:
    with closing(sqlite3.connect(store.data_dir / "records.db")) as conn, conn:
        return conn.execute(
            f"SELECT body FROM {table} WHERE visit_id = ?", (str(visit_id),)
        ).fetchone()[0]


def test_tampered_draft_raises_corrupt_record_naming_it_and_list_reports_it(
    device_store: DeviceStore, caseload: SyntheticCaseload
) -> None:
    good, bad = caseload.visits[0], caseload.visits[1]
    device_of(device_store).save_draft(good)
    device_of(device_store).save_draft(bad)
    _sql(device_store, "UPDATE draft SET body = ? WHERE visit_id = ?",
         _flip_byte(_body(device_store, bad.visit_id, "draft")), str(bad.visit_id))  # fmt: skip
    with pytest.raises(CorruptRecord) as raised:
        device_of(device_store).get_visit(bad.visit_id)
    problem = raised.value
    assert (problem.table, problem.record_id, problem.code) == (
        "draft", str(bad.visit_id), "store.corrupt_record",
    )  # fmt: skip
    assert "contact support" in problem.what_to_do
    drafts = device_of(device_store).list_drafts()
    assert [v.visit_id for v in drafts] == [good.visit_id]
    assert [p.record_id for p in drafts.problems] == [str(bad.visit_id)]


def test_blob_swapped_between_records_fails_authentication(
    device_store: DeviceStore, caseload: SyntheticCaseload
) -> None:
    first, second = caseload.visits[0], caseload.visits[1]
    for visit in (first, second):
        device_of(device_store).save_draft(visit)
        device_of(device_store).submit_visit(visit.visit_id)
    _sql(device_store, "UPDATE visit SET body = ? WHERE visit_id = ?",
         _body(device_store, first.visit_id), str(second.visit_id))  # fmt: skip
    with pytest.raises(CorruptRecord) as raised:
        device_of(device_store).get_visit(second.visit_id)
    assert raised.value.record_id == str(second.visit_id)
    assert device_of(device_store).get_visit(first.visit_id).visit_id == first.visit_id
    visits = device_of(device_store).list_visits()
    assert [v.visit_id for v in visits] == [first.visit_id]
    assert len(visits.problems) == 1
    batch = device_of(device_store).pending_outbox()
    assert [i.record_id for i in batch] == [first.visit_id]
    assert [p.record_id for p in batch.problems] == [str(second.visit_id)]


def test_blob_moved_to_another_revision_fails_authentication(
    device_store: DeviceStore, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    device_of(device_store).save_draft(visit)
    device_of(device_store).submit_visit(visit.visit_id)
    _sql(device_store, "UPDATE visit SET revision = 2 WHERE visit_id = ?", str(visit.visit_id))
    with pytest.raises(CorruptRecord):
        device_of(device_store).get_visit(visit.visit_id)


def test_corrupt_caseload_row_is_skipped_and_reported(
    device_store: DeviceStore, caseload: SyntheticCaseload,
    to_changes: Callable[..., list[CaseloadChange]],
) -> None:  # fmt: skip
    device_of(device_store).apply_caseload_changes(to_changes(caseload), cursor="1")
    damaged = caseload.children[0].child_id
    _sql(device_store, "UPDATE caseload SET body = substr(body, 1, 20) WHERE entity_id = ?",
         str(damaged))  # fmt: skip
    children = device_of(device_store).list_children()
    assert len(children) == len(caseload.children) - 1
    assert [(p.table, p.record_id) for p in children.problems] == [("caseload", str(damaged))]
    assert "Sync" in children.problems[0].what_to_do
    summary = device_of(device_store).caseload_summary()
    assert len(summary) == len(caseload.children) - 1 and summary.problems


def test_tampered_receipt_detail_is_shown_as_a_problem_not_dropped(
    device_store: DeviceStore, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    from models.receipt import Receipt, ReceiptStatus

    visit = caseload.visits[0]
    device_of(device_store).save_draft(visit)
    device_of(device_store).submit_visit(visit.visit_id)
    device_of(device_store).record_receipts(
        [Receipt(record_id=visit.visit_id, revision=1, status=ReceiptStatus.REJECTED,
                 problems=["reason"])]
    )  # fmt: skip
    _sql(device_store, "UPDATE quarantine SET detail = X'00'")
    [state] = device_of(device_store).sync_state()
    assert state.state == "rejected"
    assert state.problems and "cannot be read" in state.problems[0]


def test_damaged_keyring_raises_keyring_damaged(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    from mobile.store import KeyringDamaged

    device_store.close()
    (device_store.data_dir / "keyring.json").write_text("{not json")
    with pytest.raises(KeyringDamaged):
        DeviceStore.open(Path(device_store.data_dir), clock=clock)
