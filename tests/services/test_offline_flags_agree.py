"""The device's offline flags and the central record's agree for the same data (issue 10).

For small visit histories of one synthetic household, recorded on a real device (encrypted
store, real services) within the 56 days before the world's clock and synced to the real central
record, each child's open flags at the central record, as (flag id, kind, urgency), are exactly
what the device estimates offline (mobile/services/oversight.py) at the same moment: after the
push (which rechecks the children it touches) and after the sweep (which rechecks every child).

The property is over what both hold: one practitioner's device, its own visits, no plans or
decisions entered by staff (the device holds none of those); with the default settings, and
with the organisation's own limits and closure days, which reach the device on the change feed.
"""

from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobile.services.errors import AppError
from mobile.services.session import Session
from models.amendment import FieldChange
from models.concern import ConcernReceived, Reporter
from models.enums import (
    ArrangementSource,
    ArrangementType,
    AssessedStatus,
    CarerRole,
    ConcernChannel,
    ObservationCategory,
    ParentalResponsibility,
    ReasonNotSeenAlone,
    Relationship,
    SafeguardingConcernNow,
    YesNo,
)
from models.oversight import FlagStatus
from models.rules import check_visit
from models.visit import (
    CareArrangement,
    Observation,
    PersonPresent,
    RelationshipToChild,
    Visit,
)
from sync.server.services.org_settings import set_org_settings
from sync.server.services.oversight.sweep import run_checks
from sync.server.tables import FlagRow, table_of
from synthetic import SyntheticCaseload, synthetic_visit
from tests.conftest import FIXED_NOW
from tests.services.conftest import PASSPHRASE, SERVER, make_session
from tests.services.devices import settled
from tests.sync.helpers import ORG, World, make_world

WINDOW_MINUTES = 56 * 24 * 60
FIXED_DAY = FIXED_NOW.date()
Flags = dict[UUID, set[tuple[UUID, str, str]]]

# What a drawn visit becomes, the generator's visit adjusted (kept only if it passes every rule).
SHAPES = (
    "as_generated", "all_seen", "first_not_seen", "not_alone", "prevented", "concern",
    "visit_concern", "new_carer",
)  # fmt: skip


# An amendment a drawn visit may get after its first sync (kept only if the device accepts it).
AMENDMENTS = (None, "move", "prevented", "not_alone", "concern")


@dataclass(frozen=True)
class Drawn:
    seed: int
    minutes_ago: int
    shape: str
    amendment: str | None = None
    moved_minutes_ago: int = 0


visits_drawn = st.lists(
    st.builds(
        Drawn,
        seed=st.integers(0, 10_000),
        minutes_ago=st.integers(120, WINDOW_MINUTES),
        shape=st.sampled_from(SHAPES),
        amendment=st.sampled_from(AMENDMENTS),
        moved_minutes_ago=st.integers(120, WINDOW_MINUTES),
    ),
    min_size=1,
    max_size=5,
)


def _adjusted(visit: Visit, shape: str, first: UUID, rng: random.Random) -> Visit:
    v = visit.model_copy(deep=True)
    outcome = next(o for o in v.children if o.child_id == first)
    if shape in ("not_alone", "prevented") and outcome.seen_alone == YesNo.YES:
        outcome.seen_alone = YesNo.NO
        outcome.seen_alone_where = None
        outcome.reason_not_seen_alone = (
            ReasonNotSeenAlone.PARENT_CARER_PREVENTED
            if shape == "prevented"
            else ReasonNotSeenAlone.CHILD_REFUSED
        )
    elif shape == "concern":
        v.safeguarding_concern_now = SafeguardingConcernNow.REFERRAL_MADE
        v.escalation_notes = "Phoned the duty manager at 16:10 (synthetic)."
    elif shape == "visit_concern":  # a relative's worry told at the visit
        v.concerns_received.append(
            ConcernReceived(
                concern_id=UUID(int=rng.getrandbits(128), version=4),
                reporter=Reporter(relationship=Relationship.GRANDPARENT),
                channel=ConcernChannel.IN_PERSON_AT_VISIT,
                received_at=v.started_at,
                content="Worried about who collects them from school (synthetic concern).",
                children_concerned=[first],
            )
        )
    elif shape == "new_carer":
        adult = UUID(int=rng.getrandbits(128), version=4)
        v.persons_present.append(
            PersonPresent(
                person_id=adult,
                is_new=True,
                name="Test Visitor (synthetic)",
                relationships=[
                    RelationshipToChild(
                        child_id=first,
                        relationship=Relationship.MOTHER_PARTNER,
                        parental_responsibility=ParentalResponsibility.NO_PR,
                    )
                ],
                lives_in_household=False,
                stays_overnight_regularly=True,
                role_in_care=CarerRole.OCCASIONAL_CARER,
            )
        )
        v.care_arrangements.append(
            CareArrangement(
                child_id=first,
                carer_person_id=adult,
                household_id=v.location_household_id,
                pattern="Some weekends (synthetic)",
                source=ArrangementSource.PARENT_REPORT,
                arrangement_type=ArrangementType.INFORMAL_KINSHIP,
                assessed=AssessedStatus.NOT_ASSESSED,
            )
        )
        for o in v.children:
            if o.child_seen == YesNo.YES:
                o.observations.append(
                    Observation(
                        category=ObservationCategory.INTERACTION_WITH_CARER,
                        about_person_id=adult,
                        text="Played a card game with them (synthetic note).",
                    )
                )
    return v


def _visit_id(index: int) -> UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"synthetic-visit/{index}")


def _visit(load: SyntheticCaseload, drawn: Drawn, index: int, now: datetime) -> Visit:
    """A generated visit to the first child's household, chosen by the drawn seed and shape and
    moved to `minutes_ago` before now; every visit passes models.rules.check_visit."""
    first = load.children[0].child_id
    rng = random.Random(drawn.seed)
    chosen: Visit | None = None
    for _ in range(100):  # a child too young to be seen alone: the generator's visit stands
        visit = synthetic_visit(rng, load, load.children[0])
        mine = next(o for o in visit.children if o.child_id == first)
        everyone = all(o.child_seen == YesNo.YES for o in visit.children)
        chosen = chosen or visit
        if {
            "all_seen": everyone,
            "first_not_seen": mine.child_seen == YesNo.NO,
            "not_alone": mine.seen_alone == YesNo.YES,
            "prevented": mine.seen_alone == YesNo.YES,
        }.get(drawn.shape, True):
            chosen = visit
            break
    assert chosen is not None and chosen.started_at is not None and chosen.ended_at is not None
    at = now - timedelta(minutes=drawn.minutes_ago)
    chosen = chosen.model_copy(
        update={
            "visit_id": _visit_id(index),
            "started_at": at,
            "ended_at": at + (chosen.ended_at - chosen.started_at),
            "created_on_device_at": at,
        }
    )
    adjusted = _adjusted(chosen, drawn.shape, first, rng)
    return adjusted if check_visit(adjusted, now=now).ok else chosen


def _amend(session: Session, load: SyntheticCaseload, drawn: Drawn, visit_id: UUID) -> None:
    """The drawn amendment to a submitted visit, as the practitioner would make it: each changed
    top-level answer one change. One the device refuses (it would fail a rule) is left out."""
    services, first = session.services(), load.children[0].child_id
    current = services.visits.get(visit_id)
    target = current
    if drawn.amendment == "move":
        assert current.started_at is not None and current.ended_at is not None
        at = current.started_at + timedelta(minutes=drawn.minutes_ago - drawn.moved_minutes_ago)
        length = current.ended_at - current.started_at
        target = current.model_copy(update={"started_at": at, "ended_at": at + length})
    elif drawn.amendment is not None:
        target = _adjusted(current, drawn.amendment, first, random.Random(drawn.seed))
    before, after = current.model_dump(mode="json"), target.model_dump(mode="json")
    changes = [
        FieldChange(field_path=k, old_value=before[k], new_value=after[k])
        for k in ("started_at", "ended_at", "children", "safeguarding_concern_now",
                  "escalation_notes")
        if before[k] != after[k]
    ]  # fmt: skip
    if changes:
        with contextlib.suppress(AppError):
            services.visits.amend(
                visit_id=visit_id, changes=changes, reason="Recorded wrongly (synthetic)."
            )


def _server_flags(world: World, children: set[UUID]) -> Flags:
    t = table_of(FlagRow)
    out: Flags = {c: set() for c in children}
    with world.db.read() as s:
        rows = s.execute(
            sa.select(t.c.flag_id, t.c.child_id, t.c.kind, t.c.urgency).where(
                t.c.status == FlagStatus.OPEN, t.c.condition_active.is_(True)
            )
        ).all()
    for r in rows:
        if r.child_id in out:
            out[r.child_id].add((r.flag_id, str(r.kind), str(r.urgency)))
    return out


def _device_flags(session: Session, children: set[UUID]) -> Flags:
    found = session.services().caseload.offline_conditions()
    return {
        c: {(x.flag_id, str(x.kind), str(x.urgency)) for x in found.get(c, [])} for c in children
    }


# Each example builds a central record and a device: slow, and the same examples every run.
AGREEMENT = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(AGREEMENT, max_examples=25)
@given(history=visits_drawn, later=st.integers(0, 40))
def test_the_devices_offline_flags_are_the_central_records(
    history: list[Drawn], later: int
) -> None:
    _agree(history, later, oversight=None)


# An organisation's own limits and closure days (issue 10: the device used the defaults).
own_settings = st.fixed_dictionaries(
    {
        "limits": st.fixed_dictionaries(
            {},
            optional={
                "not_seen_alone_run": st.integers(1, 3),
                "concern_ack_hours": st.sampled_from([1, 6, 48]),
                "overdue_urgent_after": st.sampled_from([0, 2, 30]),
                "assessment_warn_day": st.sampled_from([1, 10, 60]),
            },
        ),
        "closures": st.lists(st.integers(-60, 40), max_size=6).map(
            lambda days: sorted({(FIXED_DAY + timedelta(days=d)).isoformat() for d in days})
        ),
    }
)


@settings(AGREEMENT, max_examples=10)
@given(history=visits_drawn, later=st.integers(0, 40), oversight=own_settings)
def test_with_the_organisations_own_settings_the_device_and_central_record_agree(
    history: list[Drawn], later: int, oversight: dict[str, Any]
) -> None:
    _agree(history, later, oversight=oversight)


def _agree(history: list[Drawn], later: int, *, oversight: dict[str, Any] | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(f"sqlite:///{Path(tmp) / 'central.sqlite3'}")
        if oversight is not None:  # set before the device's first pull: it opens with them
            set_org_settings(db=world.db, org_id=ORG, oversight=oversight, now=world.clock())
        session = make_session(world, Path(tmp) / "device")
        try:
            session.enrol(
                server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE
            )
            services = session.services()
            services.sync.sync_now()  # the caseload first
            load, now = world.worker.load, world.clock()
            assert load is not None
            for index, drawn in enumerate(history):
                visit = _visit(load, drawn, index, now)
                services.visits.save_draft(visit)
                services.visits.submit(visit.visit_id)
            services.sync.sync_now()  # push, then the caseload's changes (care found, flags)
            for index, drawn in enumerate(history):
                _amend(session, load, drawn, _visit_id(index))
            services.sync.sync_now()
            assert settled(session)
            household = load.children[0].household_id
            touched = {c.child_id for c in load.children if c.household_id == household}
            assert _device_flags(session, touched) == _server_flags(world, touched)
            everyone = {c.child_id for c in load.children}
            run_checks(db=world.db, now=now)
            assert _device_flags(session, everyone) == _server_flags(world, everyone)
            # Days later, no signal since: the sweep there and the device's estimate there.
            world.clock.advance(timedelta(days=later, hours=later % 7))
            run_checks(db=world.db, now=world.clock())
            session.lock()  # put down for days, then unlocked with no signal
            session.unlock(PASSPHRASE)
            assert _device_flags(session, everyone) == _server_flags(world, everyone)
        finally:
            session.close()
            world.db.dispose()
