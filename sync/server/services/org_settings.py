"""An organisation's oversight settings (timescales, closures, limits): set by an administrator
(`seen admin set-org-settings`), checked by the one rule both sides read
(models.oversight.settings.settings_from_dict), and sent to every practitioner of the
organisation on the change feed (ChangeKind.ORG_SETTINGS), so a device's offline estimate and
escalation prompt use the same values as the central record.

    device_part        what a device is sent of the stored settings (not the console's own part)
    settings_change    the feed row of those settings, first on a pull from the start
    set_org_settings   replace the oversight part; every practitioner of the org is told
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from models.canonical import canonical_text
from models.oversight.settings import settings_from_dict
from models.receipt import CaseloadChange
from sync import protocol
from sync.protocol import ORG_SETTINGS_ID, ChangeKind, OrgSettingsData
from sync.server.db import Database
from sync.server.services.common import AuditLog, ChangeDraft, OrgLog, Refusal
from sync.server.tables import OrganisationRow, PractitionerRow, table_of

__all__ = ["DEVICE_KEYS", "device_part", "set_org_settings", "settings_change"]

DEVICE_KEYS = ("timescales", "closures", "limits")  # "console" stays at the central record
MAX_SETTINGS_CHARS = 64_000  # a year of closure days and every timescale, many times over


def device_part(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The oversight part of the stored settings; None when it sets nothing (the defaults)."""
    part = {k: stored[k] for k in DEVICE_KEYS if k in stored} if stored else {}
    return part or None


def _data(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    return OrgSettingsData(settings=device_part(stored)).model_dump(mode="json")


def settings_change(stored: Mapping[str, Any] | None, version: int) -> CaseloadChange:
    return CaseloadChange.model_construct(
        kind=ChangeKind.ORG_SETTINGS.value,
        entity_id=ORG_SETTINGS_ID,
        version=version,
        deleted=False,
        child_id=None,
        data=_data(stored),
    )


def set_org_settings(
    *, db: Database, org_id: str, oversight: Mapping[str, Any] | None, now: datetime
) -> int:
    """Replace the organisation's timescales, closures and limits with `oversight` (None or {}:
    the defaults); its console settings stay. Refuses, in plain words, anything settings_from_dict
    cannot read. Returns how many practitioners were sent the new settings."""
    given = dict(oversight or {})
    unknown = set(given) - set(DEVICE_KEYS)
    if unknown:
        raise Refusal(
            protocol.REQUEST_INVALID,
            f"Only timescales, closures and limits can be set here, not {', '.join(sorted(unknown))}.",
        )
    if len(canonical_text(given)) > MAX_SETTINGS_CHARS:
        raise Refusal(
            protocol.REQUEST_INVALID,
            f"These settings are too long: keep them under {MAX_SETTINGS_CHARS} characters.",
        )
    try:
        OrgSettingsData(settings=given)  # text a database or a device cannot hold
    except ValidationError:
        raise Refusal(
            protocol.REQUEST_INVALID,
            "These settings hold characters that cannot be stored: type them again.",
        ) from None
    try:
        settings_from_dict(given)
    except ValueError as exc:
        raise Refusal(protocol.REQUEST_INVALID, f"{exc}. Nothing was changed.") from None
    with db.write() as s:
        org = s.get(OrganisationRow, org_id)
        if org is None:
            raise Refusal(protocol.NOT_FOUND, f"There is no organisation {org_id}.")
        kept = {k: v for k, v in (org.settings or {}).items() if k not in DEVICE_KEYS}
        org.settings = {**kept, **given} or None
        s.add(org)
        s.flush()
        p = table_of(PractitionerRow).c
        everyone = s.execute(sa.select(p.practitioner_id).where(p.org_id == org_id)).scalars()
        data = _data(org.settings)
        log = OrgLog(s, org_id)
        log.add(
            ChangeDraft(ChangeKind.ORG_SETTINGS.value, ORG_SETTINGS_ID, data, practitioner_id=pid)
            for pid in list(everyone)
        )
        told = log.n - log.start
        log.flush()
        audit = AuditLog(s, now)
        audit.add("admin.set_org_settings", org_id=org_id, outcome=f"sent to {told}")
        audit.flush()
    return told
