"""The organisation's own oversight settings as this device holds them: the change feed's
org_settings row (sync.protocol.OrgSettingsData), sealed like every caseload row, read by the
same rule the central record reads (models.oversight.settings.settings_from_dict).

Read (inside `with uow`):
    device_settings   the organisation's timescales, closures and limits; the defaults when none
                      have arrived or what is stored cannot be read (said in the log, no content)
"""

from __future__ import annotations

import logging

from mobile.store.errors import CorruptRecord
from mobile.store.unit_of_work import UnitOfWork
from models.oversight.settings import OrgSettings, settings_from_dict
from sync.protocol import ORG_SETTINGS_ID, ChangeKind, OrgSettingsData

__all__ = ["device_settings"]

log = logging.getLogger(__name__)


def device_settings(uow: UnitOfWork) -> OrgSettings:
    try:
        held = uow.caseload.get(ChangeKind.ORG_SETTINGS.value, ORG_SETTINGS_ID, OrgSettingsData)
        return settings_from_dict(held.settings if held is not None else None)
    except (CorruptRecord, ValueError) as exc:
        # Never the settings themselves: the kind of problem is enough to look into it.
        log.warning(
            "The organisation's settings on this device cannot be read (%s): using the defaults",
            type(exc).__name__,
        )
        return OrgSettings()
