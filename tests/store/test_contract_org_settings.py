"""The organisation's settings as the device holds them (mobile/services/org_settings.py), over
the fake unit of work and the SQLite store alike: they change the offline estimate and the
escalation prompt; none, or unreadable ones, leave the defaults, said in the log without content."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from mobile.services.escalations import escalations_due
from mobile.services.org_settings import device_settings
from mobile.services.oversight import offline_conditions
from models.escalation import DEFAULT_PROMPT_HOURS
from models.flags import FlagKind
from models.oversight.settings import OrgSettings
from models.receipt import CaseloadChange
from sync.protocol import ORG_SETTINGS_ID, ChangeKind
from synthetic import SyntheticCaseload
from tests.store.conftest import Changes
from tests.store.device import Device


def _settings_change(data: dict[str, Any] | None, version: int = 100) -> CaseloadChange:
    return CaseloadChange(
        kind=ChangeKind.ORG_SETTINGS.value, entity_id=ORG_SETTINGS_ID, version=version, data=data
    )


def _held(repo: Device) -> OrgSettings:
    with repo.uow as uow:
        return device_settings(uow)


def test_no_settings_arrived_means_the_defaults(repo: Device) -> None:
    assert _held(repo) == OrgSettings()
    assert _held(repo).limits.escalation_prompt_hours == DEFAULT_PROMPT_HOURS


def test_the_organisations_concern_limit_changes_the_offline_estimate(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    concern = caseload.concerns[0]
    assert concern.received_at is not None
    child, at = concern.children_concerned[0], concern.received_at + timedelta(hours=3)

    def kinds() -> set[FlagKind]:
        with repo.uow as uow:
            return {c.kind for c in offline_conditions(uow, now=at)[child]}

    assert FlagKind.CONCERN_UNACKNOWLEDGED not in kinds()  # the default: 24 hours
    ours = {"settings": {"limits": {"concern_ack_hours": 2, "escalation_prompt_hours": 1}}}
    repo.apply_caseload_changes([_settings_change(ours)], cursor="2")
    assert FlagKind.CONCERN_UNACKNOWLEDGED in kinds()
    assert _held(repo).limits.escalation_prompt_hours == 1
    repo.apply_caseload_changes([_settings_change({"settings": None}, 101)], cursor="3")
    assert FlagKind.CONCERN_UNACKNOWLEDGED not in kinds()  # set back to the defaults


@pytest.mark.parametrize(
    "data",
    [
        {"settings": {"limits": {"escalation_prompt_hours": 0}}},  # out of range
        {"settings": {"limits": {"concern_ack_hours": "2"}}},
        {"settings": {"closures": ["not a day"]}},
        {"settings": {"nonsense": True}},
        {"settings": "limits"},  # not the shape
        {"limits": {"concern_ack_hours": 2}},  # not wrapped
    ],
)
def test_unreadable_settings_on_the_device_fall_back_to_the_defaults_and_say_so(
    repo: Device,
    caseload: SyntheticCaseload,
    to_changes: Changes,
    data: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    repo.apply_caseload_changes([_settings_change(data)], cursor="2")
    with caplog.at_level(logging.WARNING, logger="mobile.services.org_settings"):
        assert _held(repo) == OrgSettings()
        with repo.uow as uow:
            found = offline_conditions(uow, now=repo.clock())
            due = escalations_due(uow, now=repo.clock())
    assert set(found) == {c.child_id for c in caseload.children} and due == []
    lines = [r.getMessage() for r in caplog.records if r.name == "mobile.services.org_settings"]
    assert len(lines) == 3  # each read said so: the settings, the estimate, the prompt
    for line in lines:
        assert "using the defaults" in line
        for text in ("not a day", "nonsense", "limits", "concern_ack", "escalation_prompt"):
            assert text not in line
