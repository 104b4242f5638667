"""Sync: push the outbox, then pull caseload changes; automatic when there is a signal, and on demand.

Never says "done" while anything is pending. Honest per-record states come from the store, which
keeps a record in the outbox until the central record's receipt is stored.

    push  next_batch -> client.push, mark_sent -> store_receipts   (outbox.py; until empty; the
          next batch read, and the last one's receipts stored, while a batch is on the wire)
    pull  cursor -> client.changes -> apply_caseload_changes(page, cursor)   (caseload.py)
    410 cursor expired: the outbox was pushed first, so reset the cursor and pull from the start
    401 device revoked (lost or stolen): wipe the store (crypto-erase), then tell the practitioner
    401 device retiring: push everything, say the outbox is empty, then wipe and say so
    401 auth expired: nothing is lost; progress().needs_new_code offers Session.re_enrol

The credential renews while the device is in use (mobile/services/credentials.py). Every request
says what the outbox holds (sync.protocol_outbox): before each batch, what is still to go, and
once the push is done, what is left, so the central record sees a device that has gone quiet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from uuid import UUID

from mobile import codes
from mobile.services import credentials
from mobile.services.caseload import CURSOR_KEY, apply_caseload_changes, reset_caseload
from mobile.services.errors import AppError, DeviceWipedError, SessionLockedError, app_error
from mobile.services.outbox import mark_sent, next_batch, store_receipts
from mobile.services.shapes import RecordSyncState, SyncProgress
from mobile.store.errors import StoreLocked
from mobile.store.shapes import StoredSyncState
from mobile.store.unit_of_work import DeviceRecords
from models.receipt import OutboxItem, SyncState
from sync import protocol
from sync.client import (
    AuthRefused,
    CursorExpired,
    DeviceRetiring,
    DeviceRevoked,
    SyncClient,
    SyncError,
    TransportFailed,
)
from sync.protocol import PushResponse
from sync.protocol_outbox import OutboxReport

__all__ = ["SyncService"]

log = logging.getLogger(__name__)
_TITLES = {
    "visit": "Visit",
    "amendment": "Amendment",
    "concern": "Concern",
    "acknowledgement": "Concern acknowledged",
    "escalation": "Escalation",
    "task_done": "Task done",
}


class SyncService:
    def __init__(
        self,
        *,
        store: DeviceRecords,
        clock: Callable[[], datetime],
        connect: Callable[[str, str | None], SyncClient],
        wipe: Callable[[], None],
    ) -> None:
        self._store = store
        self._uow = store.unit_of_work()
        self._wipe = wipe
        self._clock = clock
        self._connect = connect
        self._running = threading.Lock()
        self._state_lock = threading.Lock()
        self._last_error = ""
        self._needs_new_code = False
        self._retiring = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # On demand ---------------------------------------------------------------------------------
    def sync_now(self) -> SyncProgress:
        """Push everything pending, then pull. Returns the honest state afterwards; a failure is
        reported in `last_error` (nothing is lost). Raises DeviceWipedError if revoked."""
        return self._run(pull=True)

    def push_now(self) -> SyncProgress:
        """Push everything pending and store the receipts, without downloading: as sync_now,
        for when only sending matters (and to measure the push alone)."""
        return self._run(pull=False)

    def _run(self, *, pull: bool) -> SyncProgress:
        if not self._running.acquire(blocking=False):
            return self.progress()  # a sync is already under way
        try:
            self._sync_once(pull=pull)
            self._set_error("")
            self._needs_new_code = False
        except DeviceRetiring:  # never wipe before everything is sent: try again later
            log.warning("Central record is retiring this device: not all sent yet")
            self._set_error(codes.WORDS[codes.OFFLINE])
        except DeviceRevoked:
            wiped = self._wiped()
            log.warning("Central record revoked this device: wiping")
            self._wipe()
            raise wiped from None
        except AuthRefused as exc:
            log.warning("Sign-in refused by the central record (%s)", exc.code)
            self._needs_new_code = exc.code == protocol.AUTH_EXPIRED
            self._set_error(app_error(exc).message)
        except TransportFailed:
            self._set_error(codes.WORDS[codes.OFFLINE])
        except AppError as exc:
            self._set_error(exc.message)
        except StoreLocked:  # the app locked (idle) mid-sync: the outbox is intact
            log.info("Sync stopped: the app locked")
            self._set_error(SessionLockedError().message)
        except SyncError as exc:  # refused by the central record: its words, no traceback
            log.warning("Sync refused by the central record (%s)", exc.code)
            self._set_error(app_error(exc).message)
        except Exception as exc:
            # The type only: an exception's text may quote a record, and logs hold no personal data.
            log.error("Sync failed: %s", type(exc).__name__)
            self._set_error(app_error(exc).message)
        finally:
            self._running.release()
        return self.progress()

    def _sync_once(self, *, pull: bool = True) -> None:
        client = credentials.connect(self._store, self._connect)
        device = self._store.get_plain_setting("device_id")
        device_id = UUID(device) if device else None
        try:
            self._exchange(client, device_id, pull=pull)
        except AuthRefused as exc:
            if not credentials.drop_unknown_pending(self._store, client, exc):
                raise
            self._exchange(client, device_id, pull=pull)
        except DeviceRetiring:
            log.warning("Central record is retiring this device: sending everything it holds")
            self._retiring = True
            self._push(client, device_id)
            client.outbox_empty(device_id=device_id)  # answered DeviceRevoked: wipe
            return
        credentials.settle(self._store, client)
        if client.renew_due:
            credentials.renew(self._store, client)
        if pull:
            self._store.set_plain_setting(
                "last_sync_at", self._clock().isoformat(timespec="seconds")
            )

    def _exchange(self, client: SyncClient, device_id: UUID | None, *, pull: bool) -> None:
        self._push(client, device_id)
        if not pull:
            return
        try:
            self._pull(client)
        except CursorExpired:
            log.info("Central record asked this device to start its download again")
            self._push(client, device_id)  # never discard unsynced data: push first
            reset_caseload(uow=self._uow)
            self._pull(client)

    def _wiped(self) -> DeviceWipedError:
        """What the practitioner is told once this device has erased itself (counted before)."""
        if not self._retiring:
            return DeviceWipedError(codes.DEVICE_REVOKED)
        try:
            with self._uow as uow:
                drafts = len(uow.visits.drafts())
        except Exception:  # locked or unreadable: the count is a courtesy
            drafts = 0
        if not drafts:
            return DeviceWipedError(codes.DEVICE_RETIRING)
        unsent = f"{drafts} unfinished {'draft was' if drafts == 1 else 'drafts were'} never submitted, so not sent."
        return DeviceWipedError(
            codes.DEVICE_RETIRING, f"{codes.WORDS[codes.DEVICE_RETIRING]} {unsent}"
        )

    def _outbox_report(self) -> OutboxReport:
        with self._store.unit_of_work() as uow:  # numbers and a time: readable while locked
            held, oldest = uow.outbox.count(), uow.outbox.oldest_queued_at()
        return OutboxReport.measure(held=held, oldest_at=oldest, now=self._clock())

    def _push(self, client: SyncClient, device_id: UUID | None) -> None:
        """One batch on the wire at a time, in order; while it is there, the next is read and
        the last one's receipts are stored, so the device's work overlaps the server's. The
        store is only touched here, never from the sending thread."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as wire:
            sending: tuple[list[OutboxItem], Future[PushResponse]] | None = None
            while True:
                on_the_wire = {(i.record_id, i.revision) for i in sending[0]} if sending else ()
                items = list(next_batch(uow=self._uow, skip=on_the_wire))
                answer = sending[1].result() if sending else None  # raises what the push did
                if not items:
                    if answer is not None:
                        store_receipts(uow=self._uow, receipts=answer.receipts)
                    client.outbox = self._outbox_report()  # what is left, for what follows
                    return
                client.outbox = self._outbox_report()  # this batch and the last: unreceipted
                sending = (items, wire.submit(client.push, items, device_id=device_id))
                mark_sent(uow=self._uow, items=items)
                if answer is not None:
                    store_receipts(uow=self._uow, receipts=answer.receipts)

    def _pull(self, client: SyncClient) -> None:
        for page in client.iter_changes(self._store.get_setting(CURSOR_KEY)):
            apply_caseload_changes(uow=self._uow, changes=page.changes, cursor=page.cursor)

    # What the screen shows ---------------------------------------------------------------------
    def progress(self) -> SyncProgress:
        states = self._states()
        count = {status: 0 for status in SyncState}
        for state in states:
            count[state.state] += 1
        running = self._running.locked()
        with self._store.unit_of_work() as uow:  # waiting: not acknowledged, as the caseload counts
            pending = uow.outbox.count()
        return SyncProgress(
            running=running,
            pending=pending,
            sent=count[SyncState.SENT],
            acknowledged=count[SyncState.ACKNOWLEDGED],
            rejected=count[SyncState.REJECTED],
            last_sync_at=_parse(self._store.get_plain_setting("last_sync_at")),
            last_error=self._last_error,
            needs_new_code=self._needs_new_code,
        )

    def records(self) -> list[RecordSyncState]:
        now = self._clock()
        return [
            RecordSyncState(
                record_id=state.record_id,
                kind=str(state.kind),
                title=_TITLES.get(str(state.kind), "Record"),
                status=state.state,
                # When it was saved, never when it was last tried: offline for days, it says so.
                saved_at=state.queued_at,
                waited=None if state.state.settled else max(now - state.queued_at, timedelta(0)),
                attempts=state.attempts,
                last_attempt_at=state.last_attempt_at,
                receipt_id=state.receipt.receipt_id if state.receipt else None,
                acknowledged_at=(
                    state.receipt.received_at
                    if state.receipt and state.state == SyncState.ACKNOWLEDGED
                    else None
                ),
                problems=tuple(state.problems),
            )
            for state in self._states()
        ]

    def _states(self) -> list[StoredSyncState]:
        try:
            with self._uow as uow:
                return uow.outbox.states()
        except StoreLocked:
            raise SessionLockedError() from None

    # Automatic ---------------------------------------------------------------------------------
    def start_auto(
        self, *, interval_s: float = 30.0, on_change: Callable[[SyncProgress], None] | None = None
    ) -> None:
        """Sync now and every `interval_s` in a background thread until stop_auto() or lock.
        Offline attempts cost one failed connection each; the client's own retries back off."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    progress = self.sync_now()
                except DeviceWipedError as exc:
                    self._set_error(exc.message)
                    progress = None
                    self._stop.set()
                except Exception:  # the store locked under us: stop quietly
                    log.info("Automatic sync stopped")
                    return
                if on_change is not None and progress is not None:
                    on_change(progress)
                self._stop.wait(interval_s)

        self._thread = threading.Thread(target=loop, name="auto-sync", daemon=True)
        self._thread.start()

    def stop_auto(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None

    def _set_error(self, message: str) -> None:
        with self._state_lock:
            self._last_error = message


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
