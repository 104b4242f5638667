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
from sync.server.services.oversight.pending import drain
from sync.server.services.oversight.queue import queue_checks
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

    monkeypatch.setattr(pending, "find", broken)
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


def _open_not_seen(world: World, child: UUID) -> int:
    return world.count(FlagRow, child_id=child, kind="child_not_seen", status="open")


def test_facts_read_before_a_push_committed_are_not_applied_after_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drain reads and judges without the lock; a push that sees the child commits before
    the drain takes it. What the drain found is stale: the child is checked again, under the
    lock, and no flag is raised for a child the record now shows seen."""
    child = _push_and_stop_before_the_checks(world, monkeypatch)
    real_find, pushed = pending.find, []

    def find_then_a_push(*args: Any, **kwargs: Any) -> Any:
        found = real_find(*args, **kwargs)
        if not pushed and child in found.records:
            pushed.append(child)
            monkeypatch.setattr(push_route, "drain_quietly", lambda *a, **k: None)
            later = world.clock() - timedelta(hours=20)
            push(world, visit_at(world, seen=True, at=later, seed=4))
        return found

    monkeypatch.setattr(pending, "find", find_then_a_push)
    drain(world.db, ORG, now=world.clock())
    assert pushed == [child]
    assert _open_not_seen(world, child) == 0  # the facts as they stand once the lock is held
    assert world.count(PendingCheckRow) == 0


def test_a_drain_finds_the_childs_queued_check_already_done_and_leaves_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two drains read the same queue; the one that takes the lock second finds the rows gone
    and changes nothing: one flag."""
    child = _push_and_stop_before_the_checks(world, monkeypatch)
    real_find, other = pending.find, []

    def find_then_another_drain(*args: Any, **kwargs: Any) -> Any:
        found = real_find(*args, **kwargs)
        if not other and child in found.records:
            other.append(None)
            other.append(drain(world.db, ORG, now=world.clock()))  # it reads, judges, applies
        return found

    monkeypatch.setattr(pending, "find", find_then_another_drain)
    assert drain(world.db, ORG, now=world.clock()) == 0
    assert other[1] > 0
    assert _not_seen_flags(world, child) == 1
    assert world.count(PendingCheckRow) == 0


def test_a_push_while_a_drain_runs_leaves_its_checks_to_that_drain(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process, one drain per organisation at a time: a second push's drain_quietly
    returns at once, and the running one drains again, at the second push's moment."""
    import threading

    calls: list[tuple[str, object]] = []
    second_returned = threading.Event()

    def drain_recorded(db: Any, org: str, *, now: Any) -> int:
        calls.append((threading.current_thread().name, now))
        if len(calls) == 1:
            other = threading.Thread(
                target=lambda: (
                    pending.drain_quietly(db, org, now="second"),
                    second_returned.set(),
                ),
                name="second",
            )
            other.start()
            assert second_returned.wait(30)  # it returned while this drain runs
            other.join()
        return 0

    monkeypatch.setattr(pending, "drain", drain_recorded)
    pending.drain_quietly(world.db, ORG, now="first")  # type: ignore[arg-type]
    me = threading.current_thread().name
    assert calls == [(me, "first"), (me, "second")]
    pending.drain_quietly(world.db, ORG, now="third")  # type: ignore[arg-type]
    assert calls[-1] == (me, "third")  # finished: the next push drains itself
