"""The synthetic generator: deterministic, obviously fictitious, and shaped like a real caseload."""

from __future__ import annotations

import pytest

from models.canonical import canonical_json
from models.enums import PractitionerRole, RecordStatus
from models.nhs_number import is_valid_nhs_number
from models.rules import check_visit
from synthetic.caseloads import FIRST_NAMES, SURNAMES, TOWN, generate_caseload


def _fingerprint(load) -> list[bytes]:
    shapes = [*load.households, *load.people, *load.children, *load.visits, *load.concerns]
    return [canonical_json(s) for s in shapes]


def test_same_seed_gives_the_same_caseload_byte_for_byte():
    one = generate_caseload(seed=11, children=20, households=8)
    two = generate_caseload(seed=11, children=20, households=8)
    assert _fingerprint(one) == _fingerprint(two)


def test_different_seeds_give_different_caseloads():
    one = generate_caseload(seed=11, children=20, households=8)
    two = generate_caseload(seed=12, children=20, households=8)
    assert _fingerprint(one) != _fingerprint(two)


def test_sizes_are_as_asked():
    load = generate_caseload(seed=1, children=40, households=15, visits_per_child=2, concerns=5)
    assert len(load.children) == 40
    assert len(load.households) == 15
    assert len(load.visits) == 80
    assert len(load.concerns) == 5
    assert {c.household_id for c in load.children} == {h.household_id for h in load.households}


def test_names_and_addresses_are_obviously_fictitious():
    load = generate_caseload(seed=5, children=30, households=10)
    for person in [*load.people, *load.children]:
        first, last = person.name.split(" ", 1)
        assert first in FIRST_NAMES and last in SURNAMES
    assert all(TOWN in h.address for h in load.households)
    assert all(h.postcode.startswith("XX") for h in load.households)


def test_nhs_numbers_are_valid_and_in_the_test_range():
    load = generate_caseload(seed=5, children=30, households=10)
    for child in load.children:
        assert child.nhs_number is not None
        assert child.nhs_number.startswith("999") and is_valid_nhs_number(child.nhs_number)


def test_every_generated_visit_passes_the_recording_rules_as_a_draft():
    for role in PractitionerRole.SOCIAL_WORKER, PractitionerRole.HEALTH_VISITOR:
        load = generate_caseload(seed=9, children=60, households=20, practitioner_role=role)
        assert all(v.status == RecordStatus.DRAFT for v in load.visits)
        failing = [check_visit(v) for v in load.visits if not check_visit(v).ok]
        assert failing == []


def test_some_children_are_not_seen_and_some_adults_link_households():
    load = generate_caseload(seed=9, children=60, households=20)
    not_seen = [c for v in load.visits for c in v.children if c.child_seen == "NO"]
    assert not_seen and all(c.reason_not_seen for c in not_seen)
    linked = {
        link.person_id
        for child in load.children
        for link in child.links
        if link.household_id != child.household_id or link.role_in_care == "OCCASIONAL_CARER"
    }
    assert linked
    assert load.restrictions
    assert {r.person_id for r in load.restrictions} <= linked


def test_a_child_per_household_is_required():
    with pytest.raises(ValueError, match="at least one child per household"):
        generate_caseload(seed=1, children=2, households=3)


def test_some_babies_are_seen_asleep_and_some_children_talk_another_language():
    load = generate_caseload(seed=9, children=60, households=20)
    seen = [c for v in load.visits for c in v.children if c.child_seen == "YES"]
    asleep = [c for c in seen if c.child_awake is False]
    assert asleep and all(c.not_awake_reason and c.see_awake_by for c in asleep)
    other = [c.voice for c in seen if c.voice.communication == "VERBAL_OTHER_LANGUAGE"]
    assert {v.interpreter for v in other} == {"PROFESSIONAL", "FAMILY_MEMBER"}
    assert all(v.language and v.interpreter_notes for v in other)
    assert all(
        "synthetic" in v.interpreter_notes or "fictional" in v.interpreter_notes for v in other
    )
