"""An escalation's rules, what counts as high risk, and when the app prompts for one."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pydantic import ValidationError

from models.enums import ConsultationMechanism, ObservationCategory, SafeguardingConcernNow, YesNo
from models.escalation import (
    MAX_RESPONSE,
    MAX_TO_WHOM,
    Escalation,
    EscalationMethod,
    check_escalation,
    escalation_due,
    high_risk,
)
from models.visit import Observation, Visit
from tests.conftest import FIXED_NOW
from tests.models.helpers import complete_visit

NOW = FIXED_NOW


def _escalation(**update: object) -> Escalation:
    e = Escalation(
        escalation_id=uuid.uuid4(),
        visit_id=uuid.uuid4(),
        child_ids=[uuid.uuid4()],
        practitioner_id=uuid.uuid4(),
        at=NOW - timedelta(minutes=30),
        to_whom="My team manager (synthetic)",
        how=EscalationMethod.PHONE,
        response="Go back tomorrow with a colleague (synthetic).",
        created_on_device_at=NOW,
    )
    return e.model_copy(update=update)


def _quiet() -> Visit:
    """Every child seen face to face, nothing of concern: not high risk."""
    visit = complete_visit()
    visit.consultation_mechanism = ConsultationMechanism.FACE_TO_FACE
    visit.safeguarding_concern_now = SafeguardingConcernNow.NONE
    for child in visit.children:
        child.observations = [
            o for o in child.observations if o.category != ObservationCategory.INJURY_OR_MARK
        ]
    return visit


def test_a_complete_escalation_passes() -> None:
    assert check_escalation(_escalation(), now=NOW).ok


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"to_whom": "  "}, "to_whom"),
        ({"to_whom": "m" * (MAX_TO_WHOM + 1)}, "to_whom"),
        ({"how": None}, "how"),
        ({"response": ""}, "response"),
        ({"response": "r" * (MAX_RESPONSE + 1)}, "response"),
        ({"child_ids": []}, "child_ids"),
        ({"at": NOW + timedelta(minutes=1)}, "at"),
    ],
)
def test_each_missing_or_wrong_answer_is_a_problem_naming_its_field(
    update: dict[str, object], field: str
) -> None:
    check = check_escalation(_escalation(**update), now=NOW)
    assert check.fields() == {field}
    assert all(p.message.endswith(".") for p in check.problems)


def test_at_is_not_checked_against_a_clock_unless_given_one() -> None:
    assert check_escalation(_escalation(at=NOW + timedelta(days=1))).ok


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b"])
def test_text_that_cannot_be_stored_is_refused_when_made(text: str) -> None:
    with pytest.raises(ValidationError):
        _escalation().model_validate({**_escalation().model_dump(), "response": text})


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValidationError):
        Escalation.model_validate({**_escalation().model_dump(mode="json"), "how": "PIGEON"})


def test_high_risk_is_a_child_not_seen_an_injury_or_a_concern_now() -> None:
    quiet = _quiet()
    assert not high_risk(quiet)
    not_seen = quiet.model_copy(deep=True)
    not_seen.children[0].child_seen = YesNo.NO
    injured = quiet.model_copy(deep=True)
    injured.children[0].observations.append(
        Observation(category=ObservationCategory.INJURY_OR_MARK, text="Bruise on arm (synthetic)")
    )
    concern = quiet.model_copy(
        update={"safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE}
    )
    by_video = quiet.model_copy(update={"consultation_mechanism": next(
        m for m in ConsultationMechanism if m != ConsultationMechanism.FACE_TO_FACE
    )})  # fmt: skip
    assert all(high_risk(v) for v in (not_seen, injured, concern, by_video))


def test_escalation_is_due_for_a_high_risk_visit_unsent_for_the_hours_without_one() -> None:
    risky = _quiet().model_copy(
        update={"safeguarding_concern_now": SafeguardingConcernNow.IMMEDIATE_PROTECTION}
    )
    quiet = _quiet().model_copy(update={"visit_id": uuid.uuid4()})
    since = {risky.visit_id: NOW - timedelta(hours=4), quiet.visit_id: NOW - timedelta(hours=9)}

    def due(**kw: object) -> list[uuid.UUID]:
        args: dict[str, object] = {
            "visits": [risky, quiet], "unsent_since": since, "escalated": [], "now": NOW,
        }  # fmt: skip
        args.update(kw)
        return escalation_due(**args)  # type: ignore[arg-type]

    assert due() == [risky.visit_id]  # 4 hours by default, and only the high-risk one
    assert due(now=NOW - timedelta(minutes=1)) == []  # not yet
    assert due(hours=5) == []  # configurable
    assert due(hours=0.5) == [risky.visit_id]
    assert due(escalated=[risky.visit_id]) == []  # recorded: no prompt
    assert due(unsent_since={}) == []  # sent: no prompt
