"""A synthetic caseload into a central record, in its own organisation (demo, tests, benchmarks)."""

from __future__ import annotations

from datetime import datetime

from sync.server.db import Database
from sync.server.services import load_caseload
from synthetic.caseloads import SyntheticCaseload

__all__ = ["load_synthetic_caseload"]


def load_synthetic_caseload(*, db: Database, load: SyntheticCaseload, now: datetime) -> int:
    """Every household, person, child, restriction and concern of `load`; returns the number of
    change rows written."""
    return load_caseload(
        db=db,
        org_id=load.organisation_id,
        households=load.households,
        people=load.people,
        children=load.children,
        restrictions=load.restrictions,
        concerns=load.concerns,
        now=now,
    )
