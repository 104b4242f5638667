"""The bulk caseload loader (sync.server.services.load_caseload) on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from sync.server import services as sv
from sync.server.tables import ChildRow, HouseholdRow, PersonRow, table_of
from tests.sync.helpers import ORG, World


def _counts(world: World) -> list[int]:
    with world.db.read() as s:
        return [
            s.execute(sa.select(sa.func.count()).select_from(table_of(t))).scalar_one()
            for t in (HouseholdRow, PersonRow, ChildRow)
        ]


def test_loading_an_empty_caseload_is_a_no_op(world: World) -> None:
    before = _counts(world)
    written = sv.load_caseload(
        db=world.db, org_id=ORG, households=[], people=[], children=[], now=world.clock()
    )
    assert written == 0
    assert _counts(world) == before
    assert before[2] > 0  # the world's caseload is there, untouched
