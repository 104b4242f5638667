"""What "waiting" means wherever the app counts records (the caseload, the Sync screen): one rule.

A record is waiting until the central record has acknowledged it: not sent yet, sent without an
answer yet, in conflict, or rejected. The last two need a person (the Sync screen also lists them
as needing attention), but they are not at the central record, so no screen may count them as done.
The store keeps this count (outbox plus quarantine) and can give it while locked: it is a number,
nothing personal.
"""

from __future__ import annotations

from mobile.store.unit_of_work import DeviceRecords

__all__ = ["records_waiting"]


def records_waiting(store: DeviceRecords) -> int:
    """Records on this device the central record has not acknowledged yet."""
    with store.unit_of_work() as uow:
        return uow.outbox.count()
