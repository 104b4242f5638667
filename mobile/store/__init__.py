"""The encrypted device store: nothing readable without the key, nothing lost.

The only package that imports cryptography (in crypto.py). Plain Python: no flet, no httpx.

    DeviceStore     SQLite + keys: create/open, unlock/lock/auto-lock, recover, wipe, and the
                    Repository contract (drafts, visits, outbox, receipts, caseload, settings)
    MemoryRepository  an in-memory fake of the same contract, for tests of the layers above
    Repository      the contract (typing.Protocol); see repository.py for its rules
    errors          StoreError and its tree (stable codes), see errors.py
"""

from mobile.store.crypto import ARGON2_AVAILABLE, KdfParams, default_kdf_params
from mobile.store.errors import (
    AlreadyAcknowledged,
    AlreadySetUp,
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
from mobile.store.memory import MemoryRepository
from mobile.store.policy import passphrase_policy
from mobile.store.repository import (
    PLAIN_SETTINGS,
    CaseloadApplied,
    ChildSummary,
    Listing,
    QuarantinedItem,
    ReceiptsResult,
    Repository,
    StoredSyncState,
    SyncState,
)
from mobile.store.store import DEFAULT_IDLE_TIMEOUT, DeviceStore, LockStatus

__all__ = [
    "ARGON2_AVAILABLE",
    "DEFAULT_IDLE_TIMEOUT",
    "PLAIN_SETTINGS",
    "AlreadyAcknowledged",
    "AlreadySetUp",
    "CaseloadApplied",
    "ChildSummary",
    "CorruptRecord",
    "DeviceStore",
    "DeviceWiped",
    "KdfParams",
    "KdfUnavailable",
    "KeyringDamaged",
    "Listing",
    "LockStatus",
    "LockedOut",
    "MemoryRepository",
    "NotSetUp",
    "PlatformSecretMissing",
    "QuarantinedItem",
    "ReceiptsResult",
    "RecordNotFound",
    "RecoveryFailed",
    "RecoveryUnavailable",
    "Repository",
    "SchemaTooNew",
    "StoreError",
    "StoreLocked",
    "StoredSyncState",
    "SyncState",
    "TryAgainLater",
    "WeakPassphrase",
    "WrongPin",
    "default_kdf_params",
    "passphrase_policy",
]


def _keeps_the_contract(store: DeviceStore, fake: MemoryRepository) -> list[Repository]:
    """Never called: mypy checks here that both implementations satisfy the Repository protocol."""
    return [store, fake]
