"""The run's own organisation at the central record: one practitioner per device, each with a
synthetic caseload (its concerns kept back: the device records those), and a one-time code."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sync.server import services as sv
from sync.server.db import Database
from synthetic import SyntheticCaseload, generate_caseload

__all__ = ["enrolment_codes"]


def enrolment_codes(
    db: Database, *, org_id: str, devices: int, visits: int, seed: int
) -> list[tuple[SyntheticCaseload, str]]:
    now = datetime.now(UTC)
    sv.create_organisation(db=db, org_id=org_id, name="Load test (synthetic)", now=now)
    team = sv.create_team(db=db, org_id=org_id, name="Load team (synthetic)", now=now)
    out = []
    for n in range(devices):
        # Ids differ run to run (a database may hold earlier runs); the content's seed is fixed.
        ids = random.Random(f"{org_id}-{seed}-{n}").getrandbits(32)
        children = max(1, min(8, visits // 3))
        load = generate_caseload(
            seed=ids,
            children=children,
            households=max(1, children // 2),
            concerns=visits // 5 + 1,
            organisation_id=org_id,
        )
        sv.create_practitioner(
            db=db, org_id=org_id, display_name=f"Load worker {n} (synthetic)",
            role=sv.StaffRole.SOCIAL_WORKER, team_id=team, practitioner_id=load.practitioner_id,
            now=now,
        )  # fmt: skip
        sv.load_caseload(
            db=db, org_id=org_id, households=load.households, people=load.people,
            children=load.children, restrictions=load.restrictions, now=now,
        )  # fmt: skip
        code, _ = sv.issue_enrolment_code(
            db=db, practitioner_id=load.practitioner_id, now=now, ttl=timedelta(hours=1)
        )
        out.append((load, code))
    return out
