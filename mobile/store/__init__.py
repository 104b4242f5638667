"""The encrypted device store: nothing readable without the key, nothing lost.

The only package that imports cryptography (in crypto.py). Plain Python: no flet, no httpx.

    DeviceStore     SQLite + keys: create/open, unlock/lock/auto-lock, recover, wipe; its
                    unit_of_work() is where the records are read and written
    UnitOfWork      `with uow: ... uow.commit()` over four small repositories (visits, outbox,
                    caseload, settings), one SQLite transaction; see unit_of_work.py for its rules
    sqlite/         the SQLite unit of work and repositories (sealed); shapes.py what reads return
    errors          StoreError and its tree (stable codes), see errors.py
"""

from mobile.store.crypto import ARGON2_AVAILABLE, KdfParams, default_kdf_params
from mobile.store.errors import (
    AlreadyAcknowledged,
    AlreadySetUp,
    AlreadyWaiting,
    CorruptRecord,
    DeviceWiped,
    KdfUnavailable,
    KeyringDamaged,
    LockedOut,
    NotSetUp,
    PlatformSecretMissing,
    RecordNotFound,
    RecoveryFailed,
    RecoveryUnavailable,
    SchemaTooNew,
    StoreError,
    StoreLocked,
    TryAgainLater,
    WeakPassphrase,
    WrongPin,
)
from mobile.store.policy import passphrase_policy
from mobile.store.shapes import (
    PLAIN_SETTINGS,
    CaseloadApplied,
    ChildSummary,
    Listing,
    QuarantinedItem,
    ReceiptsResult,
    StoredSyncState,
    SyncState,
)
from mobile.store.store import DEFAULT_IDLE_TIMEOUT, DeviceStore, LockStatus
from mobile.store.unit_of_work import (
    CaseloadRepository,
    DeviceRecords,
    OutboxRepository,
    SettingsByCall,
    SettingsRepository,
    UnitOfWork,
    VisitRepository,
)

__all__ = [
    "ARGON2_AVAILABLE",
    "DEFAULT_IDLE_TIMEOUT",
    "PLAIN_SETTINGS",
    "AlreadyAcknowledged",
    "AlreadySetUp",
    "AlreadyWaiting",
    "CaseloadApplied",
    "CaseloadRepository",
    "ChildSummary",
    "CorruptRecord",
    "DeviceRecords",
    "DeviceStore",
    "DeviceWiped",
    "KdfParams",
    "KdfUnavailable",
    "KeyringDamaged",
    "Listing",
    "LockStatus",
    "LockedOut",
    "NotSetUp",
    "OutboxRepository",
    "PlatformSecretMissing",
    "QuarantinedItem",
    "ReceiptsResult",
    "RecordNotFound",
    "RecoveryFailed",
    "RecoveryUnavailable",
    "SchemaTooNew",
    "SettingsByCall",
    "SettingsRepository",
    "StoreError",
    "StoreLocked",
    "StoredSyncState",
    "SyncState",
    "TryAgainLater",
    "UnitOfWork",
    "VisitRepository",
    "WeakPassphrase",
    "WrongPin",
    "default_kdf_params",
    "passphrase_policy",
]


def _keeps_the_contract(store: DeviceStore) -> DeviceRecords:
    """Never called: mypy checks here that the SQLite store keeps the unit-of-work contract."""
    return store
