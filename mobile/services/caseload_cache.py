"""The caseload's rows from the store's row cache: instant to show, never stale.

The store keeps one sealed body per child holding what does not depend on today (the child's
summary, open flags and tasks) and marks, in the same transaction as any change, the children it
touches (mobile/store/migrations/v004_row_cache.py). Showing the caseload builds again only the
marked children, with the same reads a full build makes (caseload_summary, open_flags,
open_tasks); what depends on today (overdue, ages) is worked out by build_rows at every read.
So what a row says is decided in one place, and a cached row cannot disagree with a full build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from mobile.services.caseload import caseload_summary, concerns
from mobile.services.caseload_rows import build_rows
from mobile.services.flags import open_flags
from mobile.services.reads import by_name
from mobile.services.shapes import CaseloadRow, ReceivedFlag, ReceivedTask
from mobile.services.tasks import open_tasks
from mobile.store.shapes import ChildSummary
from mobile.store.unit_of_work import UnitOfWork
from models.timescales import TimescaleRules
from models.timescales.calendar import WorkingCalendar

__all__ = ["RECIPE", "CaseloadRows"]


# What a cached body was built by. Raise it whenever what summarise(), open_flags() or
# open_tasks() work out changes: a body of another recipe is built again, not shown.
RECIPE = 1


@dataclass(frozen=True)
class _Cached:
    recipe: int
    summary: ChildSummary
    received: tuple[ReceivedFlag, ...]
    tasks: tuple[ReceivedTask, ...]


_ENTRY = TypeAdapter(_Cached)


@dataclass
class _Memo:
    """The last rows shown, for the store's generation they were built at and the day."""

    generation: int
    today: date
    entries: dict[UUID, _Cached]
    rows: list[CaseloadRow]


class CaseloadRows:
    """The caseload's rows for one service. Held in memory between views while the store says
    nothing changed (no child marked, its generation where it was); otherwise built again for the
    marked children only, from the sealed cache. A new day works out every row again from the
    cached facts (build_rows), without reading a record."""

    def __init__(self) -> None:
        self._memo: _Memo | None = None

    def rows(
        self, uow: UnitOfWork, *, today: date, rules: TimescaleRules, calendar: WorkingCalendar
    ) -> list[CaseloadRow]:
        """Inside `with uow`: refresh what changed (committed) and every child's row. The rules
        and calendar are the organisation's as the device holds them: a change to those arrives
        as a caseload row with no child, which marks every child, so no row kept is stale."""
        cache = uow.row_cache
        dirty, generation = cache.dirty(), cache.generation()
        memo = self._memo if self._memo and self._memo.generation == generation else None
        changed: set[UUID] | None = None  # None: every row to work out again
        if dirty is None:
            entries = _build(uow, None)
        else:
            entries, stale = (dict(memo.entries), set()) if memo else _read(uow)
            changed = dirty | stale
            for child_id in changed:
                entries.pop(child_id, None)
            if changed:
                entries.update(_build(uow, changed))
        if dirty is None or changed:
            uow.commit()
            generation = cache.generation()
        if memo is not None and memo.today == today and changed is not None:
            if not changed:
                return list(memo.rows)
            kept = [r for r in memo.rows if r.child_id not in changed]
            fresh = [entries[c] for c in changed if c in entries]
            rows = kept + _rows(fresh, today, rules, calendar)
            by_id = {r.child_id: r for r in rows}
            rows = [by_id[e.summary.child.child_id] for e in _ordered(entries)]
        else:
            rows = _rows(_ordered(entries), today, rules, calendar)
        self._memo = _Memo(generation, today, entries, rows)
        return list(rows)


def _rows(
    entries: Sequence[_Cached], today: date, rules: TimescaleRules, calendar: WorkingCalendar
) -> list[CaseloadRow]:
    return build_rows(
        summaries=[e.summary for e in entries],
        rules=rules,
        calendar=calendar,
        today=today,
        received={e.summary.child.child_id: e.received for e in entries},
        tasks={e.summary.child.child_id: e.tasks for e in entries},
    )


def _ordered(entries: dict[UUID, _Cached]) -> list[_Cached]:
    return sorted(entries.values(), key=lambda e: by_name(e.summary.child))


def _build(uow: UnitOfWork, only: set[UUID] | None) -> dict[UUID, _Cached]:
    """Build these children's cached rows (None: all) with the full build's own reads, store
    them with what they were built from, and clear the marks."""
    found = concerns(uow)
    summaries = caseload_summary(uow, only=only, found=found)
    flags, _ = open_flags(uow)
    tasks = open_tasks(uow)
    naming: dict[UUID, list[UUID]] = {}
    for concern in found:
        for child_id in set(concern.children_concerned):
            naming.setdefault(child_id, []).append(concern.concern_id)
    cache = uow.row_cache
    cache.drop(only)
    built = {}
    for summary in summaries:
        child = summary.child
        received, waiting = flags.get(child.child_id, ()), tasks.get(child.child_id, ())
        entry = _Cached(RECIPE, summary, tuple(received), tuple(waiting))
        sources = [("concern", c) for c in naming.get(child.child_id, ())]
        if child.household_id is not None:
            sources.append(("household", child.household_id))
        cache.put(child.child_id, _ENTRY.dump_json(entry), sources=sources)
        built[child.child_id] = entry
    cache.settle()
    return built


def _read(uow: UnitOfWork) -> tuple[dict[UUID, _Cached], set[UUID]]:
    """The cached rows, and the children whose row cannot be read (built again)."""
    entries = {}
    bodies, unreadable = uow.row_cache.bodies()
    stale = set(unreadable)
    for child_id, body in bodies:
        try:
            entry = _ENTRY.validate_json(body)
        except ValidationError:
            entry = None  # an older app's shape
        if entry is None or entry.recipe != RECIPE:
            stale.add(child_id)
        else:
            entries[child_id] = entry
    return entries, stale
