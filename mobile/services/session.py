"""The practitioner's session: enrol once, unlock every time, lock when idle.

    session = Session(data_dir=..., clock=..., connect=lambda url, credential: SyncClient(...))
    session.enrol(server_url=..., code=..., passphrase=...)   # first run
    session.re_enrol(code=...)                               # sign-in expired: a new code
    session.unlock(passphrase)                               # later runs
    services = session.services()                            # caseload, visits, sync
    session.lock_if_idle(); session.lock()

`connect` builds a SyncClient for a server address and credential; the composition root
(mobile/main.py) owns httpx, so this module never imports it.
"""

from __future__ import annotations

import base64
import logging
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from mobile import codes
from mobile.services import credentials
from mobile.services.caseload import CaseloadService
from mobile.services.errors import AppError, SessionLockedError, app_errors
from mobile.services.escalations import EscalationService
from mobile.services.sync import SyncService
from mobile.services.visits import VisitService, enrolled_setting
from mobile.store.crypto import KdfParams
from mobile.store.lockout import Keystore
from mobile.store.policy import passphrase_policy
from mobile.store.store import DEFAULT_IDLE_TIMEOUT, DeviceStore, LockStatus
from sync.client import SyncClient
from sync.protocol import EnrolResponse

__all__ = ["APP_VERSION", "AboutInfo", "AppServices", "Connect", "Session"]

APP_VERSION = "0.1.0"
log = logging.getLogger(__name__)
Connect = Callable[[str, str | None], SyncClient]


@dataclass(frozen=True)
class AboutInfo:
    version: str
    device_id: UUID | None
    server_url: str
    last_sync_at: str


@dataclass(frozen=True)
class AppServices:
    caseload: CaseloadService
    visits: VisitService
    sync: SyncService
    escalations: EscalationService


class Session:
    def __init__(
        self,
        *,
        data_dir: Path,
        clock: Callable[[], datetime],
        connect: Connect,
        platform_secret: bytes | None = None,
        kdf_params: KdfParams | None = None,
        idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
        keystore: Keystore | None = None,
        boot_clock: Callable[[], float] | None = None,
    ) -> None:
        """`keystore` (the counter's copy in secure storage) and `boot_clock`: see lockout.py."""
        self.data_dir = Path(data_dir)
        self._clock = clock
        self._connect = connect
        self._platform_secret = platform_secret
        self._kdf_params = kdf_params
        self._idle_timeout = idle_timeout
        self._keystore, self._boot_clock = keystore, boot_clock
        self._store: DeviceStore | None = None
        self._services: AppServices | None = None

    # Enrolment ---------------------------------------------------------------------------------
    @property
    def is_enrolled(self) -> bool:
        return DeviceStore.is_set_up(self.data_dir)

    def passphrase_problem(self, passphrase: str) -> str | None:
        """Why this passphrase would be refused, in plain words; None if it is good enough."""
        return passphrase_policy(passphrase, has_platform_secret=self._platform_secret is not None)

    def enrol(self, *, server_url: str, code: str, passphrase: str) -> None:
        """Exchange the one-time code for a device credential, then set up the encrypted store
        under `passphrase`. The passphrase is checked before anything is sent."""
        problem = self.passphrase_problem(passphrase)
        if problem:
            raise AppError(problem, code=codes.WEAK_PASSPHRASE)
        server_url = server_url.strip().rstrip("/")
        if not server_url.startswith(("http://", "https://")):
            raise AppError.of(codes.BAD_SERVER_URL)
        # The store first (local, cannot fail on the network), so the device id the server
        # records is the store's own; if the server refuses, the empty store is erased again.
        with app_errors():
            store = DeviceStore.create(
                self.data_dir,
                passphrase=passphrase,
                platform_secret=self._platform_secret,
                kdf_params=self._kdf_params,
                clock=self._clock,
                idle_timeout=self._idle_timeout,
                keystore=self._keystore,
                boot_clock=self._boot_clock,
            )
        try:
            with app_errors():
                answer = self._enrol(server_url, code, store)
        except AppError:
            store.wipe()
            store.close()
            raise
        settings = {
            "server_url": server_url,
            "credential": answer.credential,
            "practitioner_id": str(answer.practitioner_id),
            "organisation_id": answer.organisation_id,
            "role": answer.role,
        }
        for key, value in settings.items():
            store.set_setting(key, value)
        if answer.recovery_public_key:
            store.set_recovery_key(base64.b64decode(answer.recovery_public_key))
        store.set_plain_setting("app_version", APP_VERSION)
        store.set_plain_setting("device_id", str(store.device_id))  # stamped on every visit
        self._store = store
        log.info("Device enrolled")

    def re_enrol(self, *, code: str) -> None:
        """The device's sign-in expired (it was not used for its whole life): exchange a new
        code for a new credential, keeping this store, its device id and everything waiting to be
        sent. The store must be unlocked; nothing in it changes but the credential."""
        store = self._unlocked_store()
        server_url = store.get_setting("server_url") or ""
        with app_errors():
            answer = self._enrol(server_url, code, store)
        if str(answer.practitioner_id) != store.get_setting("practitioner_id"):
            # The central record refuses this too; never mix two caseloads.
            raise AppError.of(codes.OTHER_PRACTITIONER)
        credentials.replace(store, answer.credential)
        log.info("Device re-enrolled")

    # Lock and unlock ---------------------------------------------------------------------------
    def lock_status(self) -> LockStatus:
        return self._open_store().lock_status()

    @property
    def is_unlocked(self) -> bool:
        return self._store is not None and self._store.is_unlocked

    def unlock(self, passphrase: str) -> None:
        store = self._open_store()
        with app_errors():
            store.unlock(passphrase, platform_secret=self._platform_secret)

    def lock(self) -> None:
        if self._store is not None:
            if self._services is not None:
                self._services.sync.stop_auto()
            self._store.lock()

    def touch(self) -> None:
        if self._store is not None:
            self._store.touch()

    def lock_if_idle(self) -> bool:
        if self._store is None:
            return False
        locked = self._store.auto_lock_if_idle()
        if locked and self._services is not None:
            self._services.sync.stop_auto()
        return locked

    def recover(self, *, unwrap: Callable[[bytes], bytes], new_passphrase: str) -> None:
        """After a forgotten PIN or a lockout: `unwrap` is the organisation opening this device's
        recovery wrap (its private key never comes here). Unsynced records are all kept."""
        with app_errors():
            self._open_store().recover(
                unwrap=unwrap, new_passphrase=new_passphrase, platform_secret=self._platform_secret
            )

    def change_passphrase(self, *, old: str, new: str) -> None:
        store = self._unlocked_store()
        with app_errors():
            store.change_passphrase(old=old, new=new, platform_secret=self._platform_secret)

    # What an unlocked session offers ----------------------------------------------------------
    def services(self) -> AppServices:
        store = self._unlocked_store()
        if self._services is None:
            practitioner = UUID(enrolled_setting(store, "practitioner_id"))
            self._services = AppServices(
                caseload=CaseloadService(
                    store=store, clock=self._clock, practitioner_id=practitioner
                ),
                visits=VisitService(store=store, clock=self._clock, app_version=APP_VERSION),
                sync=SyncService(
                    store=store, clock=self._clock, connect=self._connect, wipe=store.wipe
                ),
                escalations=EscalationService(store=store, clock=self._clock),
            )
        return self._services

    def about(self) -> AboutInfo:
        store = self._open_store()
        unlocked = store.is_unlocked
        return AboutInfo(
            version=APP_VERSION,
            device_id=store.device_id,
            server_url=(store.get_setting("server_url") or "") if unlocked else "",
            last_sync_at=store.get_plain_setting("last_sync_at") or "never",
        )

    def close(self) -> None:
        if self._services is not None:
            self._services.sync.stop_auto()
        if self._store is not None:
            self._store.close()

    def _open_store(self) -> DeviceStore:
        if self._store is None:
            with app_errors():
                self._store = DeviceStore.open(
                    self.data_dir, clock=self._clock, idle_timeout=self._idle_timeout,
                    keystore=self._keystore, boot_clock=self._boot_clock,
                )  # fmt: skip
        return self._store

    def _enrol(self, server_url: str, code: str, store: DeviceStore) -> EnrolResponse:
        """One enrolment attempt for this store's device id (first run, or re-enrolment)."""
        return self._connect(server_url, None).enrol(
            code.strip(),
            device_id=store.device_id,
            device_label=platform.node()[:100],
            platform=platform.system()[:40],
            app_version=APP_VERSION,
        )

    def _unlocked_store(self) -> DeviceStore:
        store = self._open_store()
        if not store.is_unlocked:
            raise SessionLockedError()
        return store
