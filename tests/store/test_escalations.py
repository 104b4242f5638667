"""Escalations on the device: the workflow and the prompt over the fake unit of work and the SQLite
store (the same tests on both), and sealed at rest in the SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mobile.services.escalations import escalations_due, record_escalation
from mobile.store import DeviceStore, SyncState
from models.canonical import content_hash
from models.enums import SafeguardingConcernNow
from models.errors import RecordLocked, SubmissionBlocked
from models.escalation import Escalation, EscalationMethod, high_risk
from models.ids import new_id
from models.receipt import Receipt, ReceiptStatus, RecordKind
from models.visit import Visit
from synthetic import SyntheticCaseload
from tests.conftest import FakeClock
from tests.store.device import Device, device_of

RESPONSE = "Quibblesnatch manager response, synthetic only"


def _risky(caseload: SyntheticCaseload, n: int = 0) -> Visit:
    return caseload.visits[n].model_copy(
        update={
            "safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE,
            "escalation_notes": "Referred to the front door (synthetic).",
        }
    )


def _submit(repo: Device, visit: Visit) -> Visit:
    repo.save_draft(visit)
    return repo.submit_visit(visit.visit_id)


def _escalation(visit: Visit, at: object, **update: object) -> Escalation:
    e = Escalation(
        escalation_id=new_id(),
        visit_id=visit.visit_id,
        child_ids=[visit.children[0].child_id],
        practitioner_id=visit.practitioner_id,
        at=at,
        to_whom="My team manager (synthetic)",
        how=EscalationMethod.PHONE,
        response=RESPONSE,
        created_on_device_at=at,
    )
    return e.model_copy(update=update)


def _due(repo: Device, clock: FakeClock, hours: float = 4, *, later: float = 0) -> list[object]:
    """Asked `later` hours on (the store's own clock stays put: moving it locks the store)."""
    now = clock() + timedelta(hours=later)
    with repo.uow as uow:
        return [d.visit.visit_id for d in escalations_due(uow, now=now, hours=hours)]


def test_record_escalation_stores_and_queues_it_linked_to_its_visit(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    visit = _submit(repo, _risky(caseload))
    e = _escalation(visit, clock())

    record_escalation(uow=repo.uow, escalation=e, now=clock())

    items = repo.pending_outbox().items
    assert [(i.kind, i.record_id, i.revision) for i in items][-1] == (
        RecordKind.ESCALATION, e.escalation_id, 1,
    )  # fmt: skip
    assert items[-1].content_hash == content_hash(e)
    [state] = repo.sync_state(record_id=e.escalation_id)
    assert (state.subject_id, state.state) == (visit.visit_id, SyncState.PENDING)
    with repo.uow as uow:
        assert list(uow.visits.escalations()) == [e]


def test_record_escalation_twice_raises_record_locked(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    visit = _submit(repo, _risky(caseload))
    e = _escalation(visit, clock())
    record_escalation(uow=repo.uow, escalation=e, now=clock())
    with pytest.raises(RecordLocked):
        record_escalation(uow=repo.uow, escalation=e, now=clock())
    assert len(repo.pending_outbox()) == 2  # the visit and one escalation


def test_record_escalation_is_refused_for_a_draft_a_stranger_child_or_a_future_time(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    draft = _risky(caseload, 1)
    repo.save_draft(draft)
    visit = _submit(repo, _risky(caseload))
    cases = [
        (_escalation(draft, clock()), "visit_id"),
        (_escalation(visit, clock(), child_ids=[new_id()]), "child_ids"),
        (_escalation(visit, clock() + timedelta(hours=1)), "at"),
        (_escalation(visit, clock(), to_whom=""), "to_whom"),
    ]
    for e, field in cases:
        with pytest.raises(SubmissionBlocked) as caught:
            record_escalation(uow=repo.uow, escalation=e, now=clock())
        assert caught.value.check.fields() == {field}
    assert len(repo.pending_outbox()) == 1  # the visit only: nothing half-stored


def test_escalation_is_due_after_the_hours_until_one_is_recorded(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    visit = _submit(repo, _risky(caseload))
    assert _due(repo, clock, later=3.9) == []
    assert _due(repo, clock, later=4) == [visit.visit_id]
    assert _due(repo, clock, hours=6, later=4) == []

    record_escalation(uow=repo.uow, escalation=_escalation(visit, clock()), now=clock())

    assert _due(repo, clock, later=4) == []


def test_escalation_is_not_due_once_the_visit_has_reached_the_central_record(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    visit = _submit(repo, _risky(caseload))
    assert _due(repo, clock, later=5) == [visit.visit_id]
    receipt = Receipt(
        record_id=visit.visit_id, revision=1, status=ReceiptStatus.ACCEPTED, server_seq=1
    )
    repo.record_receipts([receipt])
    assert _due(repo, clock, later=5) == []


def test_a_quiet_visit_is_never_due(
    repo: Device, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    visit = caseload.visits[0]
    _submit(repo, visit)
    assert _due(repo, clock, later=48) == ([visit.visit_id] if high_risk(visit) else [])


def test_escalation_is_sealed_in_the_sqlite_file(
    device_store: DeviceStore, store_dir: Path, caseload: SyntheticCaseload, clock: FakeClock
) -> None:
    device = device_of(device_store, clock)
    visit = _submit(device, _risky(caseload))
    record_escalation(uow=device.uow, escalation=_escalation(visit, clock()), now=clock())
    raw = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    assert RESPONSE.encode() not in raw and RESPONSE.encode("utf-16-le") not in raw
