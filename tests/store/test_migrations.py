"""Schema migrations: from an empty file, and from last version's file with real data in it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from mobile.store import DeviceStore, SchemaTooNew, SyncState
from mobile.store.db import connect
from mobile.store.migrations import LATEST, MIGRATIONS, current_version, downgrade, migrate
from models.receipt import Receipt, ReceiptStatus
from synthetic import SyntheticCaseload
from tests.store.device import device_of

from .conftest import PASSPHRASE, FakeClock


def _schema(conn: sqlite3.Connection) -> dict[str, object]:
    """Tables with their columns (name, type, not null, default, pk) and the indexes."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]  # fmt: skip
    tables = {
        name: sorted(tuple(col[1:]) for col in conn.execute(f"PRAGMA table_info({name})"))
        for name in names
    }
    indexes = sorted(
        r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    )  # fmt: skip
    return {"tables": tables, "indexes": indexes}


def test_migrate_from_empty_reaches_the_latest_version(tmp_path: Path) -> None:
    conn = connect(tmp_path / "records.db")
    assert current_version(conn) == 0
    assert migrate(conn) == LATEST == MIGRATIONS[-1].version
    assert {"visit", "outbox", "quarantine", "receipt", "caseload", "setting"} <= set(
        _schema(conn)["tables"]  # type: ignore[arg-type]
    )
    assert migrate(conn) == LATEST  # running again changes nothing
    conn.close()


def test_migrating_the_previous_schema_gives_the_same_schema_as_from_empty(tmp_path: Path) -> None:
    fresh = connect(tmp_path / "fresh.db")
    migrate(fresh)
    old = connect(tmp_path / "old.db")
    migrate(old, target=LATEST - 1)
    assert current_version(old) == LATEST - 1
    migrate(old)
    assert _schema(old) == _schema(fresh)
    fresh.close()
    old.close()


def test_version_1_file_with_data_opens_migrated_and_loses_nothing(
    device_store: DeviceStore, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    """Build a version 1 file from today's (down-migration), then open it with this version."""
    store = device_store
    drafted, pending, rejected = caseload.visits[:3]
    device_of(store).save_draft(drafted)
    for visit in (pending, rejected):
        device_of(store).save_draft(visit)
        device_of(store).submit_visit(visit.visit_id)
    device_of(store).record_receipts(
        [Receipt(record_id=rejected.visit_id, revision=1, status=ReceiptStatus.REJECTED,
                 problems=["Fails a rule at the central record"])]
    )  # fmt: skip
    store.set_setting("server_url", "https://central.example.invalid")
    store.close()

    with closing(connect(store.data_dir / "records.db")) as conn:
        assert downgrade(conn, target=1) == 1
        assert conn.execute("SELECT state FROM outbox ORDER BY seq").fetchall() == [
            ("pending",), ("rejected",),
        ]  # fmt: skip

    reopened = DeviceStore.open(store.data_dir, clock=clock)
    reopened.unlock(PASSPHRASE)
    with closing(connect(store.data_dir / "records.db")) as conn:
        assert current_version(conn) == LATEST
    assert device_of(reopened).get_visit(drafted.visit_id) == drafted
    assert [i.record_id for i in device_of(reopened).pending_outbox()] == [pending.visit_id]
    [held] = device_of(reopened).list_quarantine()
    assert held.item.record_id == rejected.visit_id
    assert held.receipt.problems == ["Fails a rule at the central record"]
    states = {s.record_id: s.state for s in device_of(reopened).sync_state()}
    assert states == {pending.visit_id: SyncState.PENDING, rejected.visit_id: SyncState.REJECTED}
    assert reopened.get_setting("server_url") == "https://central.example.invalid"
    device_of(reopened).mark_sent(device_of(reopened).pending_outbox())  # the new columns work
    reopened.close()


def test_version_2_receipts_learn_when_their_record_was_queued(
    device_store: DeviceStore, clock: FakeClock, caseload: SyntheticCaseload
) -> None:
    """A receipt stored by version 2 had no queued time: the migration takes it from the visit."""
    store = device_store
    visit = caseload.visits[0]
    device_of(store).save_draft(visit)
    device_of(store).submit_visit(visit.visit_id)
    queued = clock.now
    clock.advance(3 * 24 * 3600)
    store.unlock(PASSPHRASE)  # it locked itself while idle
    device_of(store).record_receipts(
        [Receipt(record_id=visit.visit_id, revision=1, status=ReceiptStatus.ACCEPTED)]
    )
    store.close()
    with closing(connect(store.data_dir / "records.db")) as conn:
        assert downgrade(conn, target=2) == 2
        assert "queued_at" not in {c[1] for c in conn.execute("PRAGMA table_info(receipt)")}

    reopened = DeviceStore.open(store.data_dir, clock=clock)
    reopened.unlock(PASSPHRASE)
    [state] = device_of(reopened).sync_state()
    assert (state.state, state.queued_at, state.since) == (
        SyncState.ACKNOWLEDGED,
        queued,
        clock.now,
    )
    reopened.close()


def test_a_file_from_a_newer_app_version_is_refused_untouched(
    device_store: DeviceStore, clock: FakeClock
) -> None:
    device_store.close()
    with closing(connect(device_store.data_dir / "records.db")) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(SchemaTooNew) as raised:
        DeviceStore.open(device_store.data_dir, clock=clock)
    assert raised.value.found == LATEST + 1
    with closing(connect(device_store.data_dir / "records.db")) as conn:
        assert current_version(conn) == LATEST + 1


def test_a_failed_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    from mobile.store.migrations import Migration

    conn = connect(tmp_path / "records.db")
    broken = (*MIGRATIONS, Migration(LATEST + 1, "broken", ("CREATE TABLE x (a)", "NOT SQL"), ()))
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, migrations=broken)
    assert current_version(conn) == LATEST
    assert "x" not in _schema(conn)["tables"]  # type: ignore[operator]
    conn.close()
