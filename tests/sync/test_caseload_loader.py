"""The bulk caseload loader (sync.server.services.load_caseload) on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sync.server import services as sv
from tests.sync.helpers import ORG, World


@pytest.mark.xfail(
    strict=True,
    reason="issue 8 item 13: load_caseload inserts an empty list as INSERT ... DEFAULT VALUES. "
    "The fix belongs in sync/server/services/caseload.py (guard the household, person and child "
    "inserts as the link/allocation/restriction ones are); remove this mark with it.",
)
def test_loading_an_empty_caseload_is_a_no_op(world: World) -> None:
    written = sv.load_caseload(
        db=world.db, org_id=ORG, households=[], people=[], children=[], now=world.clock()
    )
    assert written == 0
