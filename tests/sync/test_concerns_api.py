"""Concerns from anyone at the central record: staff record a third party's concern, it reaches
the holders' devices like a device's concern, repeat reports are counted together, a concern stays
open until a named person acknowledges it, and a confidential reporter stays confidential."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from sqlmodel import select

from models.concern import ACKNOWLEDGED_REVISION, Acknowledgement
from models.flags import FlagKind
from models.oversight.lifecycle import FlagStatus
from models.receipt import ReceiptStatus, RecordKind
from sync import protocol
from sync.protocol import ChangeKind
from sync.server.tables import ConcernRow, FlagRow, ReporterRow
from tests.sync.concerns_helpers import GRANDMOTHER, PHONE, Caller
from tests.sync.helpers import World, item_of


def _concern_rows(caller: Caller, concern_id: str, cursor: str | None = None) -> list[dict]:
    changes = caller.device.changes(cursor, 1000).changes
    return [
        c.data
        for c in changes
        if c.kind == ChangeKind.CONCERN and str(c.entity_id) == concern_id and c.data
    ]


def test_a_relatives_phone_call_recorded_by_staff_reaches_the_allocated_workers_device(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    duty = Caller(world, world.colleague)  # the call came in to the duty worker
    child = world.worker.load.children[0].child_id
    answer = duty.record([child])
    assert answer.status_code == 201, answer.text
    view = answer.json()
    concern_id = view["concern"]["concern_id"]
    assert view["open"] is True and view["concern"]["reporter_id"]
    assert view["concern"]["received_by"] == str(world.colleague.practitioner_id)
    for who in (world.worker, world.manager):
        shown = _concern_rows(Caller(world, who), concern_id)
        assert shown and shown[-1]["content"] == view["concern"]["content"]
        assert shown[-1]["acknowledgement"] is None
        assert shown[-1]["reporter"]["name"] == GRANDMOTHER
    assert not _concern_rows(Caller(world, world.outsider), concern_id)
    with world.db.read() as s:
        row = s.get(ConcernRow, (world.worker.load.organisation_id, UUID(concern_id)))
        assert row is not None and row.received_at is not None
        assert str(row.reporter_id) == view["concern"]["reporter_id"]
    recorded = world.audit(action="concern.recorded")
    assert [r["child_id"] for r in recorded] == [child]
    everything = repr(world.audit()) + caplog.text
    assert GRANDMOTHER not in everything and PHONE not in everything


def test_four_reports_from_one_reporter_are_counted_and_shown_together(world: World) -> None:
    duty = Caller(world, world.colleague)
    children = [c.child_id for c in world.worker.load.children]
    now = world.clock()
    first = duty.record([children[0]], received_at=now - timedelta(days=45)).json()
    reporter_id = first["concern"]["reporter_id"]
    for days, child in ((20, children[1]), (10, children[0])):
        answer = duty.record(
            [child], reporter_id=reporter_id, received_at=now - timedelta(days=days)
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["concern"]["reporter"]["name"] == GRANDMOTHER  # as on the record
    # The fourth arrives from a device that knows the reporter.
    device = Caller(world, world.worker).device
    concern = world.worker.load.concerns[0].model_copy(
        update={
            "concern_id": uuid4(),
            "reporter_id": UUID(reporter_id),
            "received_at": now - timedelta(days=1),
            "children_concerned": [children[0]],
        }
    )
    receipt = device.push([item_of(concern, RecordKind.CONCERN, concern.concern_id)]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED
    reads = Caller(world, world.worker).get(f"/v1/reporters/{reporter_id}/concerns")
    assert reads.status_code == 200, reads.text
    shown = reads.json()
    assert len(shown) == 4
    assert [v["reports_total"] for v in shown] == [4, 4, 4, 4]
    assert [v["reports_in_window"] for v in shown] == [1, 2, 2, 3]  # "the 3rd in 30 days"
    assert {v["concern"]["reporter_id"] for v in shown} == {reporter_id}
    by_child = Caller(world, world.worker).get("/v1/concerns", child_id=str(children[0])).json()
    theirs = [v for v in by_child if v["concern"]["reporter_id"] == reporter_id]
    assert [v["reports_in_window"] for v in theirs] == [1, 2, 3]
    assert world.count(ReporterRow, reporter_id=UUID(reporter_id)) == 1


def test_a_devices_concern_is_linked_to_a_known_person_or_a_new_reporter(world: World) -> None:
    device = Caller(world, world.worker).device
    load = world.worker.load
    person = load.people[0].person_id
    base = load.concerns[0]
    known = base.model_copy(update={"concern_id": uuid4(), "reporter_id": person})
    stranger = base.model_copy(update={"concern_id": uuid4(), "reporter_id": None})
    again = base.model_copy(update={"concern_id": uuid4(), "reporter_id": person})
    items = [item_of(c, RecordKind.CONCERN, c.concern_id) for c in (known, stranger, again)]
    assert all(r.status == ReceiptStatus.ACCEPTED for r in device.push(items).receipts)
    with world.db.read() as s:
        rows = [
            s.get(ConcernRow, (load.organisation_id, c.concern_id))
            for c in (known, stranger, again)
        ]
        assert all(r is not None and r.reporter_id is not None for r in rows)
        assert rows[0].reporter_id == rows[2].reporter_id != rows[1].reporter_id  # type: ignore[union-attr]
        reporter = s.get(ReporterRow, (load.organisation_id, rows[0].reporter_id))  # type: ignore[union-attr]
        assert reporter is not None and reporter.person_id == person


def test_a_concern_stays_open_after_delivery_and_closes_only_on_a_named_acknowledgement(
    world: World,
) -> None:
    duty = Caller(world, world.colleague)
    worker = Caller(world, world.worker)
    child = world.worker.load.children[0].child_id
    concern_id = duty.record([child]).json()["concern"]["concern_id"]
    delivered = worker.device.changes(None, 1000)
    assert any(str(c.entity_id) == concern_id for c in delivered.changes)  # delivered...
    listed = worker.get("/v1/concerns", child_id=str(child)).json()
    assert [v["open"] for v in listed if v["concern"]["concern_id"] == concern_id] == [True]
    for empty in ("", "   \n"):  # ...is not received: say what was done
        refused = worker.acknowledge(concern_id, empty)
        assert refused.status_code == 422
        assert refused.json()["code"] == protocol.REQUEST_INVALID
        assert "what you did" in refused.json()["detail"]
    done = worker.acknowledge(concern_id, "Phoned the grandmother back; visit booked (synthetic).")
    assert done.status_code == 200, done.text
    ack = done.json()["concern"]["acknowledgement"]
    assert done.json()["open"] is False
    assert ack["by_practitioner_id"] == str(world.worker.practitioner_id)
    later = _concern_rows(worker, concern_id, delivered.cursor)
    assert later and later[-1]["acknowledgement"]["action_taken"].startswith("Phoned")
    second = Caller(world, world.manager).acknowledge(concern_id, "Also looked (synthetic).")
    assert (second.status_code, second.json()["code"]) == (409, protocol.SYNC_STALE_BASE)
    late = Acknowledgement(by_practitioner_id=world.worker.practitioner_id, at=world.clock())
    item = item_of(late, RecordKind.ACKNOWLEDGEMENT, UUID(concern_id), revision=2, base=1)
    assert worker.device.push([item]).receipts[0].code == protocol.SYNC_STALE_BASE
    with world.db.read() as s:
        row = s.get(ConcernRow, (world.worker.load.organisation_id, UUID(concern_id)))
        assert row is not None and row.revision == ACKNOWLEDGED_REVISION
    assert len(world.audit(action="concern.acknowledged")) == 1
    refusals = world.audit(action="concern.acknowledge")
    assert sorted(r["outcome"] for r in refusals) == sorted(
        [protocol.REQUEST_INVALID] * 2 + [protocol.SYNC_STALE_BASE]
    )


def test_a_confidential_reporters_identity_is_hidden_from_another_practitioner(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    duty = Caller(world, world.colleague)
    child = world.worker.load.children[0].child_id
    answer = duty.record([child], confidential=True).json()
    reporter_id = answer["concern"]["reporter_id"]
    assert answer["identity_hidden"] is True  # the duty worker does not hold the child
    assert answer["concern"]["reporter"]["name"] == answer["concern"]["reporter"]["contact"] == ""
    mine = Caller(world, world.worker).get("/v1/concerns", child_id=str(child)).json()
    shown = [v for v in mine if v["concern"]["reporter_id"] == reporter_id]
    assert shown and shown[0]["identity_hidden"] is False
    assert shown[0]["concern"]["reporter"]["name"] == GRANDMOTHER
    outsider = Caller(world, world.outsider)
    assert outsider.get("/v1/concerns", child_id=str(child)).json()["code"] == protocol.FORBIDDEN
    assert outsider.get(f"/v1/reporters/{reporter_id}/concerns").status_code == 403
    assert duty.get(f"/v1/reporters/{reporter_id}/concerns").status_code == 403
    everything = repr(world.audit()) + caplog.text
    assert GRANDMOTHER not in everything and PHONE not in everything


def test_a_late_concern_raises_its_flag_and_the_named_acknowledgement_clears_it(
    world: World,
) -> None:
    child = world.worker.load.children[0].child_id
    late = world.clock() - timedelta(days=2)  # past the default 24 hours
    made = Caller(world, world.colleague).record([child], received_at=late).json()
    concern_id = made["concern"]["concern_id"]

    def flags() -> list[FlagRow]:
        with world.db.read() as s:
            return list(
                s.exec(
                    select(FlagRow).where(
                        FlagRow.child_id == child, FlagRow.kind == FlagKind.CONCERN_UNACKNOWLEDGED
                    )
                )
            )

    raised = [f for f in flags() if f.data.get("concern_id") == concern_id]
    assert [f.status for f in raised] == [FlagStatus.OPEN]
    manager = Caller(world, world.manager)
    feed = manager.device.changes(None, 1000)
    assert any(c.kind == ChangeKind.FLAG and c.entity_id == raised[0].flag_id for c in feed.changes)
    done = manager.acknowledge(concern_id, "Rang the grandmother; visit today (synthetic).")
    assert done.status_code == 200, done.text
    assert [f.status for f in flags() if f.flag_id == raised[0].flag_id] == [FlagStatus.CLEARED]
