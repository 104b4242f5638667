"""The caseload's cached rows never disagree with a full build from the records.

A real encrypted store takes a random sequence of changes through the real workflows (drafts
saved, submitted, amended, acknowledged by the central record or rejected, concerns acknowledged,
caseload changes applied as sync applies them, flags and tasks received and cleared, a child
de-allocated, the days going by); after each, CaseloadService.rows() (a long-lived service with
its copy in memory, and a new one reading the sealed cache) equals the rows built from scratch.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from mobile.services import caseload_cache, outbox, visits
from mobile.services.caseload import (
    CaseloadService,
    acknowledge_concern,
    apply_caseload_changes,
    caseload_summary,
    reset_caseload,
)
from mobile.services.caseload_rows import build_rows
from mobile.services.flags import open_flags
from mobile.services.shapes import CaseloadRow, ChildFlag
from mobile.services.tasks import open_tasks
from mobile.store import DeviceStore, KdfParams
from models.amendment import Amendment, FieldChange
from models.caseload import ContactRestriction, SeenData
from models.concern import ConcernReceived
from models.flags import FlagKind
from models.ids import new_id
from models.receipt import CaseloadChange, Receipt, ReceiptStatus
from models.timescales import default_rules
from models.timescales.calendar import WorkingCalendar
from sync.protocol import FlagData, TaskData
from synthetic import SyntheticCaseload, generate_caseload, synthetic_visit
from tests.conftest import FakeClock
from tests.store.conftest import caseload_changes

FAST_KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)
START = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def from_scratch(store: DeviceStore, today: datetime) -> list[CaseloadRow]:
    """What CaseloadService.rows() built before the cache: every record read and worked out."""
    with store.unit_of_work() as uow:
        summaries = caseload_summary(uow)
        flags, _ = open_flags(uow)
        tasks = open_tasks(uow)
    return build_rows(
        summaries=summaries, rules=default_rules(), calendar=WorkingCalendar(),
        today=today.date(), received=flags, tasks=tasks,
    )  # fmt: skip


class World:
    def __init__(self, store: DeviceStore, clock: FakeClock, load: SyntheticCaseload) -> None:
        self.store, self.clock, self.load = store, clock, load
        self.uow = store.unit_of_work()
        self.version = 1
        self.flags: dict[UUID, UUID] = {}  # flag id -> child
        self.tasks: dict[UUID, UUID] = {}

    def apply(self, *changes: CaseloadChange) -> None:
        apply_caseload_changes(uow=self.uow, changes=list(changes), cursor=str(self.version))

    def next_version(self) -> int:
        self.version += 1
        return self.version


def _children(world: World) -> list[UUID]:
    with world.uow as uow:
        return [s.child.child_id for s in caseload_summary(uow)]


def save_draft(w: World, rng: random.Random) -> None:
    kids = [c for c in w.load.children if c.child_id in set(_children(w))]
    if kids:
        child = rng.choice(kids)
        visits.save_draft(uow=w.uow, visit=synthetic_visit(rng, w.load, child))


def submit(w: World, rng: random.Random) -> None:
    with w.uow as uow:
        drafts = list(uow.visits.drafts())
    if drafts:
        visits.submit_visit(uow=w.uow, visit_id=rng.choice(drafts).visit_id, now=w.clock())


def discard_draft(w: World, rng: random.Random) -> None:
    with w.uow as uow:
        drafts = list(uow.visits.drafts())
    if drafts:
        visits.delete_draft(uow=w.uow, visit_id=rng.choice(drafts).visit_id)


def answer(w: World, rng: random.Random) -> None:
    """The central record answers one waiting entry: accepted, mostly; sometimes rejected."""
    with w.uow as uow:
        waiting = [
            item for _, item in uow.outbox.pending(limit=50) if not isinstance(item, Exception)
        ]
    if waiting:
        item = rng.choice(waiting)
        status = ReceiptStatus.REJECTED if rng.random() < 0.2 else ReceiptStatus.ACCEPTED
        receipt = Receipt(
            record_id=item.record_id, revision=item.revision, status=status,
            server_seq=w.next_version(),
        )  # fmt: skip
        outbox.store_receipts(uow=w.uow, receipts=[receipt])


def requeue(w: World, rng: random.Random) -> None:
    with w.uow as uow:
        held = list(uow.outbox.quarantined())
    if held:
        item = rng.choice(held)
        outbox.requeue_quarantined(uow=w.uow, record_id=item.record_id, revision=item.revision)


def amend(w: World, rng: random.Random) -> None:
    with w.uow as uow:
        heads = list(uow.visits.heads())
    if heads:
        visit = rng.choice(heads)
        amendment = Amendment(
            amendment_id=new_id(), amends_visit_id=visit.visit_id, amends_revision=visit.revision,
            changes=[FieldChange(
                field_path="announced", old_value=visit.announced, new_value=not visit.announced
            )],
            reason="Recorded the wrong answer on the doorstep (synthetic).",
            author_id=visit.practitioner_id, at=w.clock(),
        )  # fmt: skip
        try:
            visits.amend_visit(uow=w.uow, amendment=amendment)
        except Exception:  # an amendment the rules refuse changes nothing
            return


def acknowledge(w: World, rng: random.Random) -> None:
    with w.uow as uow:
        waiting = [
            c for c in uow.caseload.rows("concern", ConcernReceived) if c.awaiting_acknowledgement
        ]
    if waiting:
        concern = rng.choice(waiting)
        acknowledge_concern(
            uow=w.uow, concern_id=concern.concern_id, by=w.load.practitioner_id, at=w.clock(),
            action_taken="Visited the family the same day and spoke to the child (synthetic).",
        )  # fmt: skip


def new_concern(w: World, rng: random.Random) -> None:
    kids = _children(w)
    if kids:
        template = rng.choice(w.load.concerns)
        concerned = rng.sample(kids, k=min(len(kids), rng.randint(1, 2)))
        concern = template.model_copy(update={
            "concern_id": new_id(), "children_concerned": concerned, "acknowledgement": None,
        })  # fmt: skip
        w.apply(CaseloadChange(
            kind="concern", entity_id=concern.concern_id, version=w.next_version(),
            child_id=rng.choice([None, concerned[0]]), data=concern.model_dump(mode="json"),
        ))  # fmt: skip


def change_child(w: World, rng: random.Random) -> None:
    """The central record changes a child: a new name, a move of household, a new context."""
    kids = set(_children(w))
    mine = [c for c in w.load.children if c.child_id in kids]
    if mine:
        child = rng.choice(mine)
        update = rng.choice([
            {"name": f"{child.name.split()[0]} {rng.choice(['Abbott', 'Zeller', 'Moss'])}"},
            {"household_id": rng.choice(w.load.households).household_id},
            {"context_started_on": (w.clock() - timedelta(days=rng.randint(1, 400))).date()},
        ])  # fmt: skip
        changed = child.model_copy(update=update)
        w.apply(CaseloadChange(
            kind="child", entity_id=child.child_id, version=w.next_version(),
            child_id=child.child_id, data=changed.model_dump(mode="json"),
        ))  # fmt: skip


def change_household(w: World, rng: random.Random) -> None:
    home = rng.choice(w.load.households)
    moved = home.model_copy(update={"postcode": rng.choice(["ZZ1 1AA", "ZZ9 9ZZ"])})
    w.apply(CaseloadChange(
        kind="household", entity_id=home.household_id, version=w.next_version(),
        data=moved.model_dump(mode="json"), deleted=rng.random() < 0.2,
    ))  # fmt: skip


def restriction(w: World, rng: random.Random) -> None:
    kids = _children(w)
    if kids and w.load.restrictions:
        template = rng.choice(w.load.restrictions)
        child_id = rng.choice(kids)
        added = template.model_copy(update={"restriction_id": new_id(), "child_id": child_id})
        w.apply(CaseloadChange(
            kind="restriction", entity_id=added.restriction_id, version=w.next_version(),
            child_id=rng.choice([None, child_id]), data=added.model_dump(mode="json"),
        ))  # fmt: skip
    elif w.load.restrictions:
        gone: ContactRestriction = rng.choice(w.load.restrictions)
        w.apply(CaseloadChange(
            kind="restriction", entity_id=gone.restriction_id, version=w.next_version(),
            child_id=gone.child_id, deleted=True,
        ))  # fmt: skip


def seen(w: World, rng: random.Random) -> None:
    kids = _children(w)
    if kids:
        child_id = rng.choice(kids)
        at = w.clock() - timedelta(days=rng.randint(0, 90))
        data = SeenData(child_id=child_id, last_visit_at=at, last_seen_at=rng.choice([at, None]))
        w.apply(CaseloadChange(
            kind="seen", entity_id=child_id, version=w.next_version(), child_id=child_id,
            data=data.model_dump(mode="json"),
        ))  # fmt: skip


def _raise_or_clear(
    w: World,
    rng: random.Random,
    kind: str,
    held: dict[UUID, UUID],
    make: Callable[[UUID, UUID], FlagData | TaskData],
) -> None:
    """The central record sends a new flag or task for a child, or clears one it sent."""
    kids = _children(w)
    if held and rng.random() < 0.4:
        entity_id = rng.choice(sorted(held))
        child_id, data, deleted = held.pop(entity_id), None, True
    elif kids:
        child_id, entity_id, deleted = rng.choice(kids), new_id(), False
        data = make(entity_id, child_id).model_dump(mode="json")
        held[entity_id] = child_id
    else:
        return
    w.apply(CaseloadChange(
        kind=kind, entity_id=entity_id, version=w.next_version(), child_id=child_id, data=data,
        deleted=deleted,
    ))  # fmt: skip


def flag(w: World, rng: random.Random) -> None:
    _raise_or_clear(w, rng, "flag", w.flags, lambda _id, child_id: FlagData(
        flag=rng.choice(list(FlagKind)), child_id=child_id,
        urgency=rng.choice(["high", "medium", "low"]), since=w.clock() - timedelta(days=3),
        raised_at=w.clock(), why="Not seen for 40 days.", clears="A visit seeing the child.",
        act_by=rng.choice(["manager", "worker"]),
    ))  # fmt: skip


def task(w: World, rng: random.Random) -> None:
    _raise_or_clear(w, rng, "task", w.tasks, lambda task_id, child_id: TaskData(
        task_id=task_id, child_id=child_id, about="visit", about_id=new_id(),
        what_to_do="Add who was present.", set_by=new_id(), set_at=w.clock(),
    ))  # fmt: skip


def deallocate(w: World, rng: random.Random) -> None:
    kids = _children(w)
    if len(kids) > 3:
        child_id = rng.choice(kids)
        w.apply(CaseloadChange(
            kind="child", entity_id=child_id, version=w.next_version(), child_id=child_id,
            deleted=True,
        ))  # fmt: skip


def start_over(w: World, rng: random.Random) -> None:
    """The central record's "start over": everything downloaded goes, then comes again."""
    reset_caseload(uow=w.uow)
    w.flags.clear()
    w.tasks.clear()
    w.apply(*caseload_changes(w.load, version=w.next_version()))


def days_pass(w: World, rng: random.Random) -> None:
    w.clock.advance(timedelta(days=rng.choice([1, 1, 3, 29]), hours=rng.randint(0, 5)))
    w.store.touch()  # the practitioner is still here: no idle lock


STEPS: list[tuple[Callable[[World, random.Random], None], int]] = [
    (save_draft, 6), (submit, 6), (discard_draft, 1), (answer, 6), (requeue, 1), (amend, 2),
    (acknowledge, 3), (new_concern, 2), (change_child, 3), (change_household, 1),
    (restriction, 2), (seen, 2), (flag, 3), (task, 2), (deallocate, 1), (start_over, 1),
    (days_pass, 3),
]  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = FakeClock(START)
    load = generate_caseload(seed=5, children=10, households=4, visits_per_child=1, concerns=3)
    store = DeviceStore.create(
        tmp_path / "device", passphrase="lantern orbit cobble meadow", kdf_params=FAST_KDF,
        clock=clock,
    )  # fmt: skip
    w = World(store, clock, load)
    w.apply(*caseload_changes(load))
    yield w
    store.close()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_cached_rows_equal_a_full_build_after_every_change(world: World, seed: int) -> None:
    rng = random.Random(seed)
    service = CaseloadService(
        store=world.store, clock=world.clock, practitioner_id=world.load.practitioner_id
    )
    steps, weights = zip(*STEPS, strict=True)
    done = []
    for _ in range(60):
        step = rng.choices(steps, weights)[0]
        step(world, rng)
        done.append(step.__name__)
        expected = from_scratch(world.store, world.clock())
        assert service.rows() == expected, f"after {done}"
        if rng.random() < 0.3:  # a new screen reads the sealed cache, with no copy in memory
            fresh = CaseloadService(
                store=world.store, clock=world.clock, practitioner_id=world.load.practitioner_id
            )
            assert fresh.rows() == expected, f"after {done}"
    assert len(set(done)) > 8  # the sequence really mixed its changes


def test_a_tampered_cached_row_is_built_again_from_the_records(world: World) -> None:
    def shown() -> list[CaseloadRow]:
        return CaseloadService(
            store=world.store, clock=world.clock, practitioner_id=world.load.practitioner_id
        ).rows()

    expected = shown()
    db = sqlite3.connect(world.store.data_dir / "records.db")
    with db:
        (child_id, blob), *_ = db.execute("SELECT child_id, body FROM row_cache").fetchall()
        flipped = bytes([blob[0]]) + bytes([blob[1] ^ 0x01]) + blob[2:]
        db.execute("UPDATE row_cache SET body = ? WHERE child_id = ?", (flipped, child_id))
        # Another child's sealed row moved onto this child: its AAD names the other child.
        (other,) = db.execute(
            "SELECT body FROM row_cache WHERE child_id != ?", (child_id,)
        ).fetchone()
        (second,) = db.execute(
            "SELECT child_id FROM row_cache WHERE child_id != ? AND body != ?", (child_id, other)
        ).fetchone()
        db.execute("UPDATE row_cache SET body = ? WHERE child_id = ?", (other, second))
    db.close()
    assert shown() == expected == from_scratch(world.store, world.clock())


def test_rows_cached_by_an_older_recipe_are_built_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new release that works a row out differently never shows a row cached by the old one."""
    service = CaseloadService(
        store=world.store, clock=world.clock, practitioner_id=world.load.practitioner_id
    )
    service.rows()
    monkeypatch.setattr(caseload_cache, "RECIPE", caseload_cache.RECIPE + 1)
    # The new release's rule, as a stand-in: every child has one more restriction.
    real = caseload_cache.caseload_summary

    def new_rule(uow, **kw):  # type: ignore[no-untyped-def]
        found = real(uow, **kw)
        found.items[:] = [replace(s, restrictions=s.restrictions + 1) for s in found.items]
        return found

    monkeypatch.setattr(caseload_cache, "caseload_summary", new_rule)
    rows = CaseloadService(
        store=world.store, clock=world.clock, practitioner_id=world.load.practitioner_id
    ).rows()
    assert rows and all(ChildFlag.CONTACT_RESTRICTION in row.flags for row in rows)
