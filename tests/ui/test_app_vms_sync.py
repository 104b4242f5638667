"""The app's screens as plain Python over the real services: sync, and what each waiting record says."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from mobile.services.session import Session
from mobile.services.shapes import RecordSyncState
from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.sync import SHOWN_ACKNOWLEDGED, record_line, waited_words
from models.receipt import SyncState
from synthetic import SyntheticCaseload
from tests.conftest import FIXED_NOW
from tests.services.conftest import Network
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE
from tests.ui.journey import household_of_two, submit_one


# Sync --------------------------------------------------------------------------------------------
def test_sync_is_never_done_while_anything_waits(
    app: AppViewModel, network: Network, load: SyntheticCaseload
) -> None:
    sync = app.sync
    assert sync is not None
    sync.refresh()
    assert sync.summary() == "Nothing to send yet."
    submit_one(app, load, not_seen={1})
    network.up = False
    sync.sync_now()
    assert "1 record waiting" in sync.summary()
    assert "No connection to the central record" in sync.summary()
    assert "acknowledged" not in sync.summary().lower()
    [line] = sync.lines()
    assert line.status in ("Waiting to send", "Sent, waiting for receipt")
    names = [c.name for c in load.children if c.child_id in household_of_two(load)]
    assert line.title.startswith("Visit ") and all(n in line.title for n in names)
    network.up = True
    sync.sync_now()
    assert sync.summary() == "Everything is acknowledged by the central record."
    [line] = sync.lines()
    [record] = sync.records
    assert line.status == "Acknowledged"
    assert line.detail.startswith(f"Receipt {str(record.receipt_id)[-8:]} at ")
    assert not sync.running
    assert sync.last_sync_text().startswith("Last sync ")


def test_offline_queue_says_when_each_record_was_saved_not_when_it_was_last_tried(
    app: AppViewModel, session: Session, load: SyntheticCaseload, network: Network, world: World
) -> None:
    """Offline for 72 hours, every record read "saved <the last failed attempt>": minutes ago."""
    sync = app.sync
    assert sync is not None
    submit_one(app, load)
    saved = world.clock.now
    network.up = False
    for _hour in range(72):  # the practitioner tries every hour for three days, with no signal
        world.clock.advance(timedelta(hours=1))
        if session.lock_if_idle():  # an hour idle: the app locked, and is unlocked again
            session.unlock(PASSPHRASE)
        sync.sync_now()
    [line] = sync.lines()
    assert line.saved == f"Saved {saved:%d %b %H:%M} · waiting 3 days"
    assert line.attempts == f"72 send attempts, the last at {world.clock.now:%H:%M, %d %b}"
    assert line.status == "Sent, waiting for receipt"
    network.up = True
    sync.sync_now()
    [line] = sync.lines()
    assert (line.status, line.saved, line.attempts) == (
        "Acknowledged", f"Saved {saved:%d %b %H:%M}", "",
    )  # fmt: skip


def test_waiting_time_is_said_in_its_largest_whole_unit() -> None:
    hours = [timedelta(hours=h) for h in (0, 1, 23, 24, 71, 72)]
    assert [waited_words(h) for h in hours] == [
        "under a minute", "1 hour", "23 hours", "1 day", "2 days", "3 days",
    ]  # fmt: skip
    assert waited_words(timedelta(minutes=2)) == "2 minutes"
    never_sent = record_line(RecordSyncState(uuid4(), "concern", "Concern", SyncState.PENDING,
                                             saved_at=FIXED_NOW, waited=timedelta(0)))  # fmt: skip
    assert (never_sent.saved, never_sent.attempts) == (
        f"Saved {FIXED_NOW:%d %b %H:%M} · waiting under a minute", "Not sent yet",
    )  # fmt: skip


def test_rejected_record_says_why_and_what_to_do() -> None:
    line = record_line(
        RecordSyncState(uuid4(), "visit", "Visit 2 Mar 2026, 2 children", SyncState.REJECTED,
                        problems=("A newer version exists: amend the latest one.",))
    )  # fmt: skip
    assert line.needs_attention and "amend the latest" in line.detail


def test_sync_lists_what_is_unsettled_first_and_only_the_latest_acknowledged(
    app: AppViewModel,
) -> None:
    sync = app.sync
    assert sync is not None

    def state(status: SyncState, n: int) -> RecordSyncState:
        return RecordSyncState(uuid4(), "concern", f"{status} {n}", status)

    done = [state(SyncState.ACKNOWLEDGED, n) for n in range(SHOWN_ACKNOWLEDGED + 3)]
    sync.records = [*done, state(SyncState.PENDING, 0), state(SyncState.REJECTED, 0)]
    titles = [line.title for line in sync.lines()]
    assert titles[:3] == ["rejected 0", "pending 0", f"acknowledged {SHOWN_ACKNOWLEDGED + 2}"]
    assert len(titles) == 2 + SHOWN_ACKNOWLEDGED
    assert sync.earlier_text() == "3 earlier records acknowledged, not listed."
