"""A flag's life on real devices: the worker's device pushes a visit where a child was not seen, the
central record raises the flag, the manager's device shows it on that child; the worker sees the
child at a later visit, and after the next sync the manager's device no longer shows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID

from mobile.services.session import Session
from mobile.services.shapes import ReceivedFlag
from models.flags import FlagKind
from models.oversight import ActBy
from tests.services.conftest import PASSPHRASE, SERVER, make_session
from tests.services.devices import settled
from tests.services.flag_visits import face_to_face_visit, submit_on
from tests.sync.helpers import World


def _not_seen_flags(session: Session, child_id: UUID) -> list[ReceivedFlag]:
    rows = {r.child_id: r for r in session.services().caseload.rows()}
    return [f for f in rows[child_id].received if f.kind == FlagKind.CHILD_NOT_SEEN]


def test_a_not_seen_flag_reaches_the_managers_device_and_leaves_it_once_the_child_is_seen(
    session: Session, world: World, tmp_path: Path
) -> None:
    load = world.worker.load
    assert load is not None
    child = load.children[0].child_id
    manager = make_session(world, tmp_path / "manager-device")
    manager.enrol(server_url=SERVER, code=world.code_for(world.manager), passphrase=PASSPHRASE)
    try:
        worker = session.services()
        worker.sync.sync_now()  # the caseload first
        missed = face_to_face_visit(load, seen=False, at=world.clock() - timedelta(days=1))
        submit_on(session, missed)
        assert worker.sync.sync_now().last_error == "" and settled(session)

        assert manager.services().sync.sync_now().last_error == ""
        [flag] = _not_seen_flags(manager, child)
        detail = manager.services().caseload.child(child)
        assert FlagKind.CHILD_NOT_SEEN in {f.kind for f in detail.flags}
        ranks = [f.urgency.rank for f in detail.flags]
        assert ranks == sorted(ranks, reverse=True)  # most urgent first
        assert flag.act_by == ActBy.WORKER and flag.visit_id == missed.visit_id
        assert flag.why and flag.clears
        assert _not_seen_flags(session, child)  # the allocated worker's device shows it too

        seen = face_to_face_visit(load, seen=True, at=world.clock() - timedelta(hours=2), seed=2)
        submit_on(session, seen)
        assert worker.sync.sync_now().last_error == "" and settled(session)
        assert _not_seen_flags(manager, child)  # not until the manager's device syncs

        assert manager.services().sync.sync_now().last_error == ""
        assert _not_seen_flags(manager, child) == []
        assert _not_seen_flags(session, child) == []
    finally:
        manager.close()
