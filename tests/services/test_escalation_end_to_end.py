"""An escalation recorded offline on a real device (Session, encrypted store) reaches the real
central record linked to its visit, shows on the manager's device, and a replay is a duplicate."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from mobile.services.session import Session
from models.enums import SafeguardingConcernNow
from models.escalation import Escalation, EscalationMethod
from models.receipt import ReceiptStatus, RecordKind
from models.visit import Visit
from sync.protocol import ChangeKind
from sync.server.tables import EscalationRow, table_of
from synthetic import synthetic_visit
from tests.services.conftest import Network
from tests.services.devices import settled
from tests.sync.helpers import World, item_of


def _risky_visit(session: Session, world: World) -> Visit:
    """A submitted visit recording a safeguarding concern now, ended an hour ago."""
    load = world.worker.load
    assert load is not None
    visit = synthetic_visit(random.Random(5), load, load.children[0])
    assert visit.started_at is not None and visit.ended_at is not None
    shift = world.clock() - timedelta(hours=1) - visit.ended_at
    visit = visit.model_copy(
        update={
            "created_on_device_at": visit.created_on_device_at + shift,
            "started_at": visit.started_at + shift,
            "ended_at": visit.ended_at + shift,
            "safeguarding_concern_now": SafeguardingConcernNow.IMMEDIATE_PROTECTION,
            "escalation_notes": "Child taken to a relative's home (synthetic).",
        }
    )
    visits = session.services().visits
    visits.save_draft(visit)
    return visits.submit(visit.visit_id)


def test_escalation_recorded_offline_syncs_linked_to_its_visit_and_a_replay_is_a_duplicate(
    session: Session, world: World, network: Network
) -> None:
    services = session.services()
    services.sync.sync_now()  # the caseload first
    network.up = False
    visit = _risky_visit(session, world)
    services.escalations.prompt_hours = 0  # an organisation may ask at once
    assert [d.visit.visit_id for d in services.escalations.due()] == [visit.visit_id]

    e = services.escalations.record(
        visit_id=visit.visit_id,
        at=world.clock() - timedelta(minutes=30),
        to_whom="My team manager (synthetic)",
        how=EscalationMethod.PHONE,
        response="Agreed the plan; she will ring the duty team (synthetic).",
    )

    assert services.escalations.due() == []  # recorded: no prompt, even before it is sent
    assert e.child_ids == [c.child_id for c in visit.children]
    offline = services.sync.sync_now()
    assert offline.last_error and offline.pending == 2  # nothing lost, nothing sent

    network.up = True
    progress = services.sync.sync_now()

    assert progress.last_error == "" and settled(session)
    t = table_of(EscalationRow)
    with world.db.read() as s:
        [row] = [dict(r._mapping) for r in s.execute(sa.select(t))]
    assert (row["escalation_id"], row["visit_id"]) == (e.escalation_id, visit.visit_id)
    assert Escalation.model_validate(row["data"]) == e
    feed = world.device(world.manager).changes(None, 1000).changes
    shown = {c.child_id for c in feed if c.kind == ChangeKind.ESCALATION}
    assert shown == set(e.child_ids)
    [mine] = [r for r in services.sync.records() if r.record_id == e.escalation_id]

    [replay] = (
        world.device(world.worker)
        .push([item_of(e, RecordKind.ESCALATION, e.escalation_id)])
        .receipts
    )

    assert replay.status == ReceiptStatus.DUPLICATE and replay.receipt_id == mine.receipt_id
    with world.db.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == 1
