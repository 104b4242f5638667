"""The device's offline estimate of flags (mobile/services/oversight.py) over the fake unit of work
and the SQLite store alike: what it reads, and what it leaves out."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from uuid import UUID

from mobile.services.oversight import offline_conditions
from models.enums import ConsultationMechanism, YesNo
from models.flags import FlagKind
from models.oversight import Condition
from models.visit import Visit
from synthetic import SyntheticCaseload, synthetic_visit
from tests.store.conftest import Changes, _submit
from tests.store.device import Device


def _estimate(repo: Device, now: datetime) -> dict[UUID, list[Condition]]:
    with repo.uow as uow:
        return offline_conditions(uow, now=now)


def _kinds(found: dict[UUID, list[Condition]], child_id: UUID) -> set[FlagKind]:
    return {c.kind for c in found[child_id]}


def _not_seen(load: SyntheticCaseload, at: datetime) -> Visit:
    """A generated visit (it passes every rule) in which the first child is not seen, at `at`."""
    rng, first = random.Random(5), load.children[0]
    for _ in range(500):
        v = synthetic_visit(rng, load, first)
        outcome = next(o for o in v.children if o.child_id == first.child_id)
        face = v.consultation_mechanism == ConsultationMechanism.FACE_TO_FACE
        if face and outcome.child_seen == YesNo.NO:
            end = at + (v.ended_at - v.started_at) if v.ended_at and v.started_at else None
            return v.model_copy(
                update={"started_at": at, "ended_at": end, "created_on_device_at": at}
            )
    raise AssertionError("the generator never made such a visit")


def test_every_child_held_has_an_estimate_and_nothing_else_does(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    assert _estimate(repo, repo.clock()) == {}
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    found = _estimate(repo, repo.clock())
    assert set(found) == {c.child_id for c in caseload.children}
    assert all(c.child_id == child for child, cs in found.items() for c in cs)


def test_a_submitted_visit_where_a_child_was_not_seen_is_flagged_but_a_draft_is_not(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    now = repo.clock()
    visit = _not_seen(caseload, now - timedelta(days=1))
    child = caseload.children[0].child_id
    repo.save_draft(visit)
    assert FlagKind.CHILD_NOT_SEEN not in _kinds(_estimate(repo, now), child)
    repo.submit_visit(visit.visit_id)
    [flag] = [c for c in _estimate(repo, now)[child] if c.kind == FlagKind.CHILD_NOT_SEEN]
    assert flag.visit_id == visit.visit_id and flag.since == visit.started_at
    assert FlagKind.CHILD_NOT_SEEN not in _kinds(_estimate(repo, now - timedelta(days=2)), child)


def test_a_concern_past_its_limit_is_flagged_until_acknowledged_here(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    concern = caseload.concerns[0]
    assert concern.received_at is not None
    child, late = concern.children_concerned[0], concern.received_at + timedelta(hours=25)
    assert FlagKind.CONCERN_UNACKNOWLEDGED in _kinds(_estimate(repo, late), child)
    assert FlagKind.CONCERN_UNACKNOWLEDGED not in _kinds(
        _estimate(repo, concern.received_at + timedelta(hours=23)), child
    )
    repo.acknowledge_concern(concern_id=concern.concern_id, by=caseload.practitioner_id)
    assert FlagKind.CONCERN_UNACKNOWLEDGED not in _kinds(_estimate(repo, late), child)


def test_a_child_seen_after_being_missed_is_no_longer_flagged(
    repo: Device, caseload: SyntheticCaseload, to_changes: Changes
) -> None:
    repo.apply_caseload_changes(to_changes(caseload), cursor="1")
    now, child = repo.clock(), caseload.children[0]
    _submit(repo, _not_seen(caseload, now - timedelta(days=3)))
    rng = random.Random(2)
    seen = next(
        v
        for v in (synthetic_visit(rng, caseload, child) for _ in range(200))
        if all(o.child_seen == YesNo.YES for o in v.children)
    )
    at = now - timedelta(hours=2)
    _submit(repo, seen.model_copy(update={"started_at": at, "ended_at": at + timedelta(hours=1)}))
    assert FlagKind.CHILD_NOT_SEEN not in _kinds(_estimate(repo, now), child.child_id)
