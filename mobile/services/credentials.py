"""The device's credential, renewed while the device is in use, so a device that syncs never
expires (sync/server/services/auth.py has the server's half).

    settings "credential"          the credential in use
    settings "pending_credential"  a renewed one, stored (encrypted, like every setting) before
                                   it is ever sent, and used first from then on

    renew   the central record said the credential is past half its life: ask for a new one and
            store it as pending. A lost answer loses nothing: the current one still works.
    settle  an answer came back to the pending credential: it is now the credential in use (the
            central record promoted it on that first use, and the old one stopped working).
    drop    the central record does not know the pending one (it gave a newer one since, whose
            answer was lost): forget it and carry on with the current one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mobile.store.unit_of_work import SettingsRepository
from sync import protocol
from sync.client import AuthRefused, SyncClient, SyncError

__all__ = ["connect", "drop_unknown_pending", "renew", "replace", "settle"]

log = logging.getLogger(__name__)
CREDENTIAL = "credential"
PENDING = "pending_credential"


def connect(
    store: SettingsRepository, connect: Callable[[str, str | None], SyncClient]
) -> SyncClient:
    """A client for the central record, signed in with the pending credential if there is one."""
    credential = store.get_setting(PENDING) or store.get_setting(CREDENTIAL)
    return connect(store.get_setting("server_url") or "", credential)


def settle(store: SettingsRepository, client: SyncClient) -> None:
    pending = store.get_setting(PENDING)
    if pending and client.accepted_credential == pending:
        store.set_setting(CREDENTIAL, pending)
        store.delete_setting(PENDING)
        log.info("Renewed sign-in in use")


def renew(store: SettingsRepository, client: SyncClient) -> None:
    if store.get_setting(PENDING):
        return  # one is waiting to be used: use it first
    try:
        answer = client.renew_credential()
    except SyncError as exc:  # offered again next time; the current credential still works
        log.info("Sign-in not renewed this time (%s)", exc.code)
        return
    store.set_setting(PENDING, answer.credential)
    log.info("Sign-in renewed; the new one is used from the next request")


def drop_unknown_pending(
    store: SettingsRepository, client: SyncClient, refused: AuthRefused
) -> bool:
    """True if `refused` was the pending credential being unknown: it is forgotten and `client`
    signs in with the current one again (the caller repeats what it was doing)."""
    pending = store.get_setting(PENDING)
    if refused.code != protocol.AUTH_INVALID or not pending or client.credential != pending:
        return False
    log.info("Renewed sign-in not known to the central record: using the current one")
    store.delete_setting(PENDING)
    client.credential = store.get_setting(CREDENTIAL)
    return True


def replace(store: SettingsRepository, credential: str) -> None:
    """A credential from a re-enrolment: in use from now on; any pending one is void."""
    store.set_setting(CREDENTIAL, credential)
    store.delete_setting(PENDING)
