"""The unit of work itself, over the fake and the SQLite store: commit or nothing, one at a time;
and the rules the services now apply inside it (pruning at submit, the push batch's limits)."""

from __future__ import annotations

import pytest

from mobile.services.outbox import BATCH_BODY_BYTES, BATCH_ITEMS
from models.enums import ReasonNotSeen, YesNo
from sync import protocol
from synthetic import SyntheticCaseload
from tests.store.device import Device


def test_leaving_the_unit_of_work_without_commit_stores_nothing(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    with repo.uow as uow:
        uow.visits.put_draft(visit)
        uow.settings.set_setting("server_url", "https://example.invalid")
    assert len(repo.list_drafts()) == 0
    assert repo.get_setting("server_url") is None


def test_an_error_inside_the_unit_of_work_rolls_back_what_came_before_it(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    with pytest.raises(RuntimeError), repo.uow as uow:
        uow.visits.put_draft(visit)
        raise RuntimeError("the battery died (synthetic)")
    assert len(repo.list_drafts()) == 0


def test_what_was_committed_stays_when_the_rest_of_the_unit_of_work_is_abandoned(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    first, second = caseload.visits[:2]
    with repo.uow as uow:
        uow.visits.put_draft(first)
        uow.commit()
        uow.visits.put_draft(second)
    assert [v.visit_id for v in repo.list_drafts()] == [first.visit_id]


def test_entering_an_open_unit_of_work_again_raises(repo: Device) -> None:
    with repo.uow, pytest.raises(RuntimeError, match="already open"), repo.uow:
        pass
    assert repo.pending_count() == 0  # and the outer one closed cleanly


def test_submit_prunes_answers_a_later_choice_made_irrelevant(
    repo: Device, caseload: SyntheticCaseload
) -> None:
    visit = caseload.visits[0]
    child = next(c for c in visit.children if c.child_seen == YesNo.YES)
    child.reason_not_seen = ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY  # answered, then changed
    repo.save_draft(visit)
    locked = repo.submit_visit(visit.visit_id)
    pruned = next(c for c in locked.children if c.child_id == child.child_id)
    assert pruned.reason_not_seen is None
    [item] = repo.pending_outbox()
    assert all(
        c["reason_not_seen"] is None for c in item.body["children"] if c["child_seen"] == "YES"
    )


def test_the_push_batch_limit_derives_from_the_wire_limits() -> None:
    assert BATCH_ITEMS == protocol.MAX_ITEMS
    assert 0 < BATCH_BODY_BYTES < protocol.MAX_BODY_BYTES
