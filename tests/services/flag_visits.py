"""Visits that raise and clear a flag at the central record: the first child of a household not
seen, or every child seen, face to face (the generator's own answers, so every rule passes)."""

from __future__ import annotations

import random
from datetime import datetime

from mobile.services.session import Session
from models.enums import ConsultationMechanism, YesNo
from models.visit import Visit
from synthetic import SyntheticCaseload, synthetic_visit

__all__ = ["face_to_face_visit", "submit_on"]


def face_to_face_visit(
    load: SyntheticCaseload, *, seen: bool, at: datetime, seed: int = 1, child: int = 0
) -> Visit:
    """A draft visit to `load.children[child]`'s household starting at `at`."""
    rng = random.Random(seed)
    target = load.children[child].child_id
    for _ in range(500):
        visit = synthetic_visit(rng, load, load.children[child])
        first = next(o for o in visit.children if o.child_id == target)
        face = visit.consultation_mechanism == ConsultationMechanism.FACE_TO_FACE
        everyone = all(o.child_seen == YesNo.YES for o in visit.children)
        if face and (everyone if seen else first.child_seen == YesNo.NO):
            assert visit.started_at is not None and visit.ended_at is not None
            shift = at - visit.started_at
            return visit.model_copy(
                update={
                    "started_at": at,
                    "ended_at": visit.ended_at + shift,
                    "created_on_device_at": at,
                }
            )
    raise AssertionError("the generator never made such a visit")


def submit_on(session: Session, visit: Visit) -> Visit:
    """Save and submit on a device, as the recorder does."""
    visits = session.services().visits
    visits.save_draft(visit)
    return visits.submit(visit.visit_id)
