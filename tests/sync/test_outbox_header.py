"""The Seen-Outbox header: a device's word on what it holds unsent, kept on its row; anything not
of its form or out of range refused 422 sync.outbox_invalid, audited, and the row untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from sync import protocol
from sync.protocol_outbox import MAX_OUTBOX_AGE_S, MAX_OUTBOX_HELD, OutboxReport
from sync.server.tables import DeviceRow
from tests.conftest import FIXED_NOW
from tests.sync.helpers import World


def _row(world: World) -> DeviceRow:
    with world.db.read() as s:
        [row] = list(s.exec(select(DeviceRow)))
    return row


def test_only_ascii_digits_are_numbers() -> None:
    with pytest.raises(ValueError):
        OutboxReport.parse("held=\u0661; oldest=0")  # an Arabic-Indic one: \\d, not a number here


def test_measure_keeps_within_range_whatever_the_clock_says() -> None:
    assert OutboxReport.measure(held=0, oldest_at=None, now=FIXED_NOW).header() == (
        "held=0; oldest=0"
    )
    ahead = FIXED_NOW + timedelta(hours=1)  # a record saved "in the future": a clock put back
    assert OutboxReport.measure(held=2, oldest_at=ahead, now=FIXED_NOW).oldest_age_s == 0
    ancient = FIXED_NOW - timedelta(days=365 * 50)
    far = OutboxReport.measure(held=MAX_OUTBOX_HELD + 5, oldest_at=ancient, now=FIXED_NOW)
    assert (far.held, far.oldest_age_s) == (MAX_OUTBOX_HELD, MAX_OUTBOX_AGE_S)
    assert OutboxReport.parse(far.header()) == far


def test_a_report_is_kept_on_the_devices_row(world: World) -> None:
    device = world.device(world.worker)
    device.outbox = OutboxReport(held=4, oldest_age_s=3600)
    device.changes(None)
    row = _row(world)
    assert row.outbox_held == 4 and row.outbox_reported_at == FIXED_NOW
    assert row.outbox_oldest_at == FIXED_NOW - timedelta(hours=1)
    world.clock.advance(5)  # within the minute: the same news is not written again
    device.changes(None)
    assert _row(world).outbox_reported_at == FIXED_NOW
    device.outbox = OutboxReport(held=0)
    device.changes(None)  # but a change is, at once
    row = _row(world)
    assert (row.outbox_held, row.outbox_oldest_at) == (0, None)


@pytest.mark.parametrize(
    "header",
    [
        "held=-1; oldest=0",
        f"held={MAX_OUTBOX_HELD + 1}; oldest=0",
        f"held=1; oldest={MAX_OUTBOX_AGE_S + 1}",
        "held=99999999999999999999; oldest=0",
        "held=1.5; oldest=0",
        "held=1",
        "3 records",
        "held=1; oldest=0; more=1",
        "",
    ],
)
def test_a_report_out_of_range_or_of_another_form_is_set_aside_and_the_sync_goes_on(
    world: World, header: str
) -> None:
    device = world.device(world.worker)
    device.outbox = OutboxReport(held=2, oldest_age_s=60)
    device.changes(None)
    auth = world.headers(device) | {"Seen-Outbox": header}
    for answer in (
        world.http.get("/sync/changes", headers=auth),
        world.http.post("/sync/push", json={"items": []}, headers=auth),
    ):
        assert answer.status_code == 200, (header, answer.text)  # the records still travel
    assert _row(world).outbox_held == 2  # what it said before stands
    refused = world.audit(action="device.outbox_refused")
    # Audited (the refusal audit is bounded: the same refusal again is counted, not repeated).
    assert refused and {r["outcome"] for r in refused} == {protocol.SYNC_OUTBOX_INVALID}
