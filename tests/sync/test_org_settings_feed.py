"""The organisation's oversight settings reach every device of that organisation on the change
feed, and no other organisation's (sync.server.services.org_settings, services.pull)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from models.receipt import CaseloadChange
from sync import protocol
from sync.client import SyncClient
from sync.protocol import ORG_SETTINGS_ID, ChangeKind
from sync.server import services as sv
from sync.server.services import Refusal, StaffRole
from sync.server.services.org_settings import set_org_settings
from sync.server.tables import ChangeRow, OrganisationRow, table_of
from tests.sync.helpers import ORG, World
from tests.sync.test_audit_push_scope import OTHER_ORG, _other_org

OURS = {
    "closures": ["2026-12-24"],
    "limits": {"not_seen_alone_run": 1, "escalation_prompt_hours": 2},
}


def _everything(client: SyncClient, cursor: str | None = None, limit: int = 500) -> list[Any]:
    changes: list[CaseloadChange] = []
    for page in client.iter_changes(cursor, limit):
        changes += page.changes
    return changes


def _settings(changes: list[CaseloadChange]) -> list[CaseloadChange]:
    return [c for c in changes if c.kind == ChangeKind.ORG_SETTINGS]


def _cursor(client: SyncClient) -> str:
    *_, last = client.iter_changes(None, 500)
    return last.cursor


def test_new_settings_reach_every_practitioner_of_the_org_and_no_other_org(world: World) -> None:
    other = _other_org(world)
    ours = [world.device(w) for w in (world.worker, world.manager, world.outsider)]
    cursors = [_cursor(c) for c in ours]
    their_cursor = _cursor(other)

    told = set_org_settings(db=world.db, org_id=ORG, oversight=OURS, now=world.clock())

    assert told == 4  # worker, colleague, manager and the other team's worker
    for client, cursor in zip(ours, cursors, strict=True):
        [change] = _settings(_everything(client, cursor))
        assert change.entity_id == ORG_SETTINGS_ID and change.child_id is None
        assert change.data == {"settings": OURS}
    assert _settings(_everything(other, their_cursor)) == []
    assert _settings(_everything(other)) == []  # nor from the start
    assert world.audit(action="admin.set_org_settings", org_id=ORG)


def test_another_orgs_settings_never_reach_our_devices(world: World) -> None:
    other = _other_org(world)
    mine = world.device(world.worker)
    cursor = _cursor(mine)

    set_org_settings(db=world.db, org_id=OTHER_ORG, oversight=OURS, now=world.clock())

    assert _settings(_everything(mine, cursor)) == []
    assert _settings(_everything(mine)) == []
    theirs = _settings(_everything(other))  # the opening row, then the row sent when set
    assert len(theirs) == 2 and all(c.data == {"settings": OURS} for c in theirs)


def test_a_pull_from_the_start_opens_with_the_settings_even_for_someone_added_later(
    world: World,
) -> None:
    set_org_settings(db=world.db, org_id=ORG, oversight=OURS, now=world.clock())
    newcomer = sv.create_practitioner(
        db=world.db, org_id=ORG, display_name="Newcomer (synthetic)",
        role=StaffRole.SOCIAL_WORKER, team_id=world.team_a, practitioner_id=uuid.uuid4(),
        now=world.clock(),
    )  # fmt: skip
    assert newcomer is not None
    with world.db.read() as s:
        t = table_of(ChangeRow).c
        rows = s.execute(sa.select(t.seq).where(t.practitioner_id == newcomer)).all()
    assert rows == []  # nothing was sent to them when the settings were set

    client = SyncClient(world.http, credential=None, sleep=lambda _s: None, timeout=None)
    code, _ = sv.issue_enrolment_code(
        db=world.db, practitioner_id=newcomer, now=world.clock(), ttl=timedelta(hours=1)
    )
    client.enrol(code, device_id=uuid.uuid4())
    first = client.changes(None, 1)
    assert [c.kind for c in first.changes] == [ChangeKind.ORG_SETTINGS]
    assert first.changes[0].data == {"settings": OURS}


def test_paging_from_the_start_one_at_a_time_loses_nothing(world: World) -> None:
    set_org_settings(db=world.db, org_id=ORG, oversight=OURS, now=world.clock())
    client = world.device(world.worker)
    whole = _everything(client)
    one_by_one = _everything(client, limit=1)
    key = [(c.kind, c.entity_id, c.version) for c in whole]
    assert [(c.kind, c.entity_id, c.version) for c in one_by_one] == key
    opening = [c for c in whole if c.kind == ChangeKind.ORG_SETTINGS]
    # The opening row is numbered at the counter: the row sent when they were set is stale beside it.
    assert whole[0].kind == ChangeKind.ORG_SETTINGS and whole[0].version == max(
        c.version for c in opening
    )


def test_no_settings_no_opening_row_and_the_console_part_stays_at_the_central_record(
    world: World,
) -> None:
    client = world.device(world.worker)
    assert _settings(_everything(client)) == []
    with world.db.write() as s:
        org = s.get(OrganisationRow, ORG)
        assert org is not None
        org.settings = {"console": {"require_totp": True}}
        s.add(org)
    assert _settings(_everything(client)) == []  # the console's part alone: nothing to send

    set_org_settings(db=world.db, org_id=ORG, oversight=OURS, now=world.clock())

    for change in _settings(_everything(client)):
        assert change.data == {"settings": OURS}
    with world.db.read() as s:
        org = s.get(OrganisationRow, ORG)
        assert org is not None and org.settings == {**OURS, "console": {"require_totp": True}}

    set_org_settings(db=world.db, org_id=ORG, oversight={}, now=world.clock())  # the defaults again
    assert _settings(_everything(client))[-1].data == {"settings": None}


@pytest.mark.parametrize(
    "bad",
    [
        {"limits": {"escalation_prompt_hours": 0}},
        {"limits": {"escalation_prompt_hours": 73}},
        {"limits": {"escalation_prompt_hours": True}},
        {"limits": {"escalation_prompt_hours": "4"}},
        {"closures": ["2026-12-24\x00"]},
        {"closures": ["\ud800"]},
        {"closures": ["2026-12-24" * 10_000]},
        {"console": {"require_totp": False}},  # the console's own part is not set here
        {"nonsense": 1},
    ],
)
def test_unreadable_settings_are_refused_and_nothing_is_sent(
    world: World, bad: dict[str, Any]
) -> None:
    client = world.device(world.worker)
    cursor = _cursor(client)
    with pytest.raises(Refusal) as refused:
        set_org_settings(db=world.db, org_id=ORG, oversight=bad, now=world.clock())
    assert refused.value.code == protocol.REQUEST_INVALID
    assert "\x00" not in refused.value.detail and len(refused.value.detail) < 300
    assert _everything(client, cursor) == []
    with world.db.read() as s:
        org = s.get(OrganisationRow, ORG)
        assert org is not None and org.settings is None


def test_settings_for_an_organisation_not_on_the_record_are_refused(world: World) -> None:
    with pytest.raises(Refusal) as refused:
        set_org_settings(db=world.db, org_id="ORG-NONE", oversight=OURS, now=world.clock())
    assert refused.value.code == protocol.NOT_FOUND
