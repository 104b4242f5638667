"""What a visit's pages need to know beyond the visit: children's names, the people on record,
whose home it may be, and the contact restrictions the device holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from mobile.services.shapes import CaseloadRow
from mobile.ui.viewmodels.fields import PageContext
from models.caseload import ContactRestriction
from models.visit import Visit

if TYPE_CHECKING:
    from mobile.services.visits import KnownPerson

__all__ = ["page_context"]


def page_context(
    rows: Iterable[CaseloadRow],
    visit: Visit,
    known: Sequence[KnownPerson],
    restrictions: tuple[ContactRestriction, ...] = (),
) -> PageContext:
    """The homes offered are the visit's children's, named by their first names."""
    by_id = {r.child_id: r for r in rows}
    by_home: dict[UUID, list[str]] = {}
    for c in visit.children:
        row = by_id.get(c.child_id)
        if row is not None and row.household_id is not None:
            by_home.setdefault(row.household_id, []).append(row.name.split(" ")[0])
    return PageContext(
        child_names={r.child_id: r.name for r in by_id.values()},
        known_people=tuple((k.person_id, k.name) for k in known),
        households=tuple((str(h), "Home of " + ", ".join(n)) for h, n in by_home.items()),
        restrictions=restrictions,
    )
