"""Builders for model tests: every visit starts from the synthetic generator, then one thing changes."""

from __future__ import annotations

import random

from models.enums import ServiceContext
from models.visit import Visit
from synthetic import generate_caseload, synthetic_visit


def complete_visit(seed: int = 3, *, context: ServiceContext | None = None) -> Visit:
    """A synthetic visit that passes every recording rule, with every child seen."""
    load = generate_caseload(seed=seed, children=2, households=1)
    rng = random.Random(seed)
    for _ in range(50):
        visit = synthetic_visit(rng, load, load.children[0])
        if all(c.child_seen == "YES" for c in visit.children):
            if context is not None:
                visit.service_context = context
            return visit
    raise AssertionError("generator never produced a visit with every child seen")
