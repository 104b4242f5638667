"""The organisation's own settings, set at the central record, on a real device (Session,
encrypted store) synced to the real central record: the offline flags are the central record's
with a non-default limit (and would not be with the defaults), and the escalation prompt waits
the organisation's number of hours."""

from __future__ import annotations

from datetime import timedelta

from mobile.services.escalations import escalations_due
from mobile.services.oversight import offline_conditions
from mobile.services.session import Session
from models.escalation import DEFAULT_PROMPT_HOURS
from models.flags import FlagKind
from models.oversight.settings import OrgSettings
from sync.server.services.org_settings import set_org_settings
from sync.server.services.oversight.sweep import run_checks
from tests.services.conftest import PASSPHRASE, Network
from tests.services.devices import settled
from tests.services.test_escalation_end_to_end import _risky_visit
from tests.services.test_offline_flags_agree import Drawn, _device_flags, _server_flags, _visit
from tests.sync.helpers import ORG, World


def _later(session: Session, world: World, by: timedelta) -> None:
    """Time passes with the phone put down: it locks, and is unlocked again, still offline."""
    world.clock.advance(by)
    session.lock()
    session.unlock(PASSPHRASE)


def test_a_non_default_limit_gives_the_same_flags_on_the_device_and_the_central_record(
    session: Session, world: World
) -> None:
    set_org_settings(
        db=world.db, org_id=ORG, oversight={"limits": {"not_seen_alone_run": 1}}, now=world.clock()
    )
    services = session.services()
    services.sync.sync_now()  # the caseload, opened by the settings
    load, now = world.worker.load, world.clock()
    assert load is not None
    visit = _visit(load, Drawn(seed=3, minutes_ago=600, shape="not_alone"), 0, now)
    services.visits.save_draft(visit)
    services.visits.submit(visit.visit_id)
    services.sync.sync_now()
    assert settled(session)
    run_checks(db=world.db, now=now)
    children = {c.child_id for c in load.children}

    ours = _device_flags(session, children)

    assert ours == _server_flags(world, children)
    alone = {
        c for c, flags in ours.items() for _, kind, _ in flags if kind == FlagKind.NOT_SEEN_ALONE
    }
    assert alone  # one visit seen but not alone is enough for this organisation
    store = session._unlocked_store()  # the defaults over the same data: no such flag
    with store.unit_of_work() as uow:
        defaults = offline_conditions(uow, now=now, settings=OrgSettings())
    assert not any(c.kind == FlagKind.NOT_SEEN_ALONE for cs in defaults.values() for c in cs)


def test_the_escalation_prompt_waits_the_organisations_hours(
    session: Session, world: World, network: Network
) -> None:
    set_org_settings(
        db=world.db, org_id=ORG, oversight={"limits": {"escalation_prompt_hours": 1}},
        now=world.clock(),
    )  # fmt: skip
    services = session.services()
    services.sync.sync_now()
    network.up = False
    visit = _risky_visit(session, world)  # queued now, unsent: no signal
    assert services.escalations.due() == []

    _later(session, world, timedelta(hours=1))

    assert [d.visit.visit_id for d in session.services().escalations.due()] == [visit.visit_id]
    store = session._unlocked_store()  # with the default number it would still wait
    with store.unit_of_work() as uow:
        assert escalations_due(uow, now=world.clock(), hours=DEFAULT_PROMPT_HOURS) == []


def test_with_no_settings_set_the_prompt_waits_the_default_hours(
    session: Session, world: World, network: Network
) -> None:
    services = session.services()
    services.sync.sync_now()
    network.up = False
    visit = _risky_visit(session, world)
    _later(session, world, timedelta(hours=DEFAULT_PROMPT_HOURS) - timedelta(minutes=1))
    assert session.services().escalations.due() == []
    _later(session, world, timedelta(minutes=1))
    assert [d.visit.visit_id for d in session.services().escalations.due()] == [visit.visit_id]
