"""Records from the wire: every enumeration value accepted, anything unknown rejected by field."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import models.enums as enums
from models.canonical import canonical_json, content_hash, parse_record
from models.errors import RecordFormatError
from models.ids import uuid7
from models.nhs_number import is_valid_nhs_number, with_check_digit
from models.visit import Visit
from synthetic import generate_caseload
from tests.models.helpers import complete_visit

# Where each enumeration sits in a visit, as a path into its JSON form.
ENUM_PATHS: dict[type[StrEnum], tuple[str, ...]] = {
    enums.PractitionerRole: ("practitioner_role",),
    enums.ServiceContext: ("service_context",),
    enums.VisitPurpose: ("visit_purpose",),
    enums.ConsultationMechanism: ("consultation_mechanism",),
    enums.LocationType: ("location_type",),
    enums.VisitOutcome: ("visit_outcome",),
    enums.NoAccessAction: ("no_access_actions", "0"),
    enums.SafeguardingConcernNow: ("safeguarding_concern_now",),
    enums.DARoutineEnquiry: ("da_routine_enquiry",),
    enums.RecordStatus: ("status",),
    enums.YesNo: ("children", "0", "child_seen"),
    enums.ReasonNotSeen: ("children", "0", "reason_not_seen"),
    enums.ReasonNotSeenAlone: ("children", "0", "reason_not_seen_alone"),
    enums.SeenAloneWhere: ("children", "0", "seen_alone_where"),
    enums.ChildCommunication: ("children", "0", "voice", "communication"),
    enums.VoiceMethod: ("children", "0", "voice", "methods", "0"),
    enums.Interpreter: ("children", "0", "voice", "interpreter"),
    enums.ObservationCategory: ("children", "0", "observations", "0", "category"),
    enums.Relationship: ("persons_present", "0", "relationships", "0", "relationship"),
    enums.ParentalResponsibility: (
        "persons_present", "0", "relationships", "0", "parental_responsibility",
    ),
    enums.CarerRole: ("persons_present", "0", "role_in_care"),
    enums.ArrangementSource: ("care_arrangements", "0", "source"),
    enums.ArrangementType: ("care_arrangements", "0", "arrangement_type"),
    enums.AssessedStatus: ("care_arrangements", "0", "assessed"),
    enums.ConcernChannel: ("concerns_received", "0", "channel"),
}  # fmt: skip
NOT_IN_A_VISIT = {enums.ContactRestrictionType}  # a caseload field: tested below


def _visit_json() -> dict:
    data = complete_visit().model_dump(mode="json")
    data["no_access_actions"] = ["PHONED_FAMILY"]
    data["da_routine_enquiry"] = "ASKED_ALONE"
    data["concerns_received"] = [{"concern_id": str(uuid7()), "channel": "PHONE"}]
    data["children"][0]["voice"]["methods"] = ["CONVERSATION"]
    return data


def _set(data, path, value):
    *parents, leaf = path
    for part in parents:
        data = data[int(part)] if isinstance(data, list) else data[part]
    if isinstance(data, list):
        data[int(leaf)] = value
    else:
        data[leaf] = value


def test_every_enumeration_is_covered_by_these_tests():
    every = {
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    }
    assert every == set(ENUM_PATHS) | NOT_IN_A_VISIT


@pytest.mark.parametrize(
    ("enum", "value"),
    [(enum, member.value) for enum in ENUM_PATHS for member in enum],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_every_enumeration_value_is_accepted(enum, value):
    data = _visit_json()
    _set(data, ENUM_PATHS[enum], value)
    parsed = parse_record(Visit, data).model_dump(mode="json")
    for part in ENUM_PATHS[enum]:
        parsed = parsed[int(part)] if isinstance(parsed, list) else parsed[part]
    assert parsed == value


@pytest.mark.parametrize("enum", list(ENUM_PATHS), ids=lambda e: e.__name__)
def test_an_unknown_enumeration_value_is_rejected_naming_the_field(enum):
    data = _visit_json()
    path = ENUM_PATHS[enum]
    _set(data, path, "NOT_A_REAL_CODE")
    with pytest.raises(RecordFormatError) as caught:
        parse_record(Visit, data)
    assert caught.value.messages == [
        f"{'.'.join(path)}: not one of the allowed values ("
        + caught.value.messages[0].split("(", 1)[1]
    ]
    assert "NOT_A_REAL_CODE" not in str(caught.value)  # inputs may be personal: never echoed


def test_contact_restriction_type_values_accepted_and_unknown_rejected():
    from models.caseload import ContactRestriction

    base = {
        "restriction_id": str(uuid7()),
        "person_id": str(uuid7()),
        "child_id": str(uuid7()),
        "source": "Fictional court order",
    }
    for member in enums.ContactRestrictionType:
        assert parse_record(ContactRestriction, {**base, "restriction_type": member.value})
    with pytest.raises(RecordFormatError, match=r"^restriction_type: not one of"):
        parse_record(ContactRestriction, {**base, "restriction_type": "SOMETIMES"})


def test_unknown_field_is_rejected_naming_it():
    data = _visit_json()
    data["children"][0]["favourite_food"] = "x"
    with pytest.raises(
        RecordFormatError, match=r"children\.0\.favourite_food: this field is not part"
    ):
        parse_record(Visit, data)


def test_wrong_type_and_bad_json_are_format_errors():
    data = _visit_json()
    data["announced"] = "sometimes"
    with pytest.raises(RecordFormatError, match=r"^announced: "):
        parse_record(Visit, data)
    with pytest.raises(RecordFormatError):
        parse_record(Visit, "{not json")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), children=st.integers(1, 4))
def test_any_generated_visit_round_trips_through_json_unchanged(seed, children):
    load = generate_caseload(seed=seed, children=children, households=1, concerns=1)
    for visit in load.visits:
        text = visit.model_dump_json()
        again = parse_record(Visit, text)
        assert again == visit
        assert canonical_json(again) == canonical_json(visit)
        assert json.loads(text) == json.loads(again.model_dump_json())


def test_content_hash_changes_with_content_and_not_with_key_order():
    visit = complete_visit()
    same = parse_record(Visit, json.dumps(dict(reversed(visit.model_dump(mode="json").items()))))
    assert content_hash(same) == content_hash(visit)
    visit.escalation_notes = "changed"
    assert content_hash(same) != content_hash(visit)


def test_uuid7_is_version_7_and_time_ordered():
    first = uuid7(unix_ms=1_700_000_000_000, random_bytes=b"\xff" * 10)
    second = uuid7(unix_ms=1_700_000_000_001, random_bytes=b"\x00" * 10)
    assert first.version == 7 and second.version == 7
    assert first < second


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "9990000018"])
def test_valid_nhs_numbers_pass_the_check_digit(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659a9", ""])
def test_invalid_nhs_numbers_fail(number):
    assert not is_valid_nhs_number(number)


def test_with_check_digit_makes_valid_numbers():
    assert all(is_valid_nhs_number(with_check_digit(f"999{i:06d}")) for i in range(200))
