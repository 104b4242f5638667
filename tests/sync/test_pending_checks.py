"""A push's flag checks run just after its receipts (oversight.pending): queued in the push's own
transaction, so a server that stops, or a check that fails, between the two loses none; the next
drain or the sweep does them; two drains at once raise each flag once. SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from sync.server.routes import push as push_route
from sync.server.services.oversight import pending
from sync.server.services.oversight.pending import drain, queue_checks
from sync.server.services.oversight.sweep import run_checks
from sync.server.tables import FlagRow, PendingCheckRow
from tests.sync.flags_helpers import push, visit_at
from tests.sync.helpers import ORG, World, at_once


def _first_child(world: World) -> UUID:
    assert world.worker.load is not None
    return world.worker.load.children[0].child_id


def _not_seen_flags(world: World, child: UUID) -> int:
    return world.count(FlagRow, child_id=child, kind="child_not_seen")


def _push_and_stop_before_the_checks(world: World, monkeypatch: pytest.MonkeyPatch) -> UUID:
    """A not-seen visit pushed by a server that stops once the receipts are sent."""
    monkeypatch.setattr(push_route, "drain_quietly", lambda *a, **k: None)
    push(world, visit_at(world, seen=False, at=world.clock() - timedelta(days=1)))
    monkeypatch.undo()
    return _first_child(world)


def test_a_stop_between_the_receipts_and_the_checks_loses_no_check(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _push_and_stop_before_the_checks(world, monkeypatch)
    assert _not_seen_flags(world, child) == 0
    assert world.count(PendingCheckRow, child_id=child, adults_only=False) == 1
    assert drain(world.db, ORG, now=world.clock()) > 0
    assert _not_seen_flags(world, child) == 1
    assert world.count(PendingCheckRow) == 0
    assert drain(world.db, ORG, now=world.clock()) == 0  # nothing left: nothing changes


def test_a_failed_check_is_logged_without_names_and_the_next_push_does_it(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any, **__: Any) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pending, "recheck", broken)
    with caplog.at_level(logging.WARNING):
        push(world, visit_at(world, seen=False, at=world.clock() - timedelta(days=1)))
    child = _first_child(world)
    assert _not_seen_flags(world, child) == 0 and world.count(PendingCheckRow) > 0
    said = [r.getMessage() for r in caplog.records if r.name == pending.logger.name]
    assert said == ["oversight: pending checks left for the next run (RuntimeError)"]
    monkeypatch.undo()
    push(world, visit_at(world, seen=True, at=world.clock() - timedelta(hours=20), seed=4))
    assert world.count(PendingCheckRow) == 0
    flags = world.count(FlagRow, child_id=child, kind="child_not_seen", status="open")
    assert flags == 0  # the later visit saw the child: the queued check and this one agree


def test_the_sweep_does_what_the_queue_held_and_empties_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _push_and_stop_before_the_checks(world, monkeypatch)
    run_checks(db=world.db, now=world.clock())
    assert _not_seen_flags(world, child) == 1
    assert world.count(PendingCheckRow) == 0


def test_two_drains_at_once_raise_each_flag_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _push_and_stop_before_the_checks(world, monkeypatch)
    at_once(lambda: drain(world.db, ORG, now=world.clock()))
    assert _not_seen_flags(world, child) == 1
    assert world.count(PendingCheckRow) == 0


def test_a_full_check_outranks_an_adults_only_one_for_the_same_child(world: World) -> None:
    a, b = world.worker.load.children[0].child_id, world.worker.load.children[1].child_id  # type: ignore[union-attr]
    now = world.clock()
    with world.db.write() as s:
        queue_checks(s, ORG, full=[], adults_only=[a, b], now=now)
    with world.db.write() as s:
        queue_checks(s, ORG, full=[a], adults_only=[], now=now)
        queue_checks(s, ORG, full=[], adults_only=[a, b], now=now)  # narrows nothing
    assert world.count(PendingCheckRow) == 2
    assert world.count(PendingCheckRow, child_id=a, adults_only=False) == 1
    assert world.count(PendingCheckRow, child_id=b, adults_only=True) == 1
