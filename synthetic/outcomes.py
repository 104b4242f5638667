"""One child's part of a synthetic visit: seen or why not, their voice, what was observed.

Some babies are seen asleep (why, and a day to see them awake); some children talk another
language, with a fictional professional interpreter or, now and then, a family member (and why
no independent one). Which child gets which is read from the child's id, so the seeded random
stream, and every other field of a caseload, is the same as before these were added.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from models.caseload import Child
from models.enums import (
    ChildCommunication,
    Interpreter,
    ObservationCategory,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    SeenAloneWhere,
    VoiceMethod,
    YesNo,
)
from models.visit import ChildOutcome, ChildVoice, Observation, PersonPresent, Quote

__all__ = ["LANGUAGES", "SAYINGS", "outcome_for"]

SAYINGS = (
    "I like it when we go to the park",
    "Dad's house is noisy at night",
    "I want my own bed",
    "Mum makes pancakes on Saturdays",
    "I don't like the shouting",
    "My favourite colour is green",
)
LANGUAGES = ("Polish", "Urdu", "Punjabi", "Bengali", "Arabic", "Romanian")
AGENCY = "Pretendly Interpreting (fictional agency, synthetic)"


def outcome_for(
    rng: random.Random, child: Child, present: list[PersonPresent], started: datetime
) -> ChildOutcome:
    outcome = ChildOutcome(child_id=child.child_id, date_of_birth=child.date_of_birth)
    outcome.nhs_number = child.nhs_number
    if rng.random() < 1 / 6:
        outcome.child_seen = YesNo.NO
        outcome.reason_not_seen = ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
        return outcome
    dob = child.date_of_birth or started.date()
    age_years = (started.date() - dob).days / 365.25
    marker = child.child_id.int  # not the random stream: see the module's docstring
    outcome.child_seen = YesNo.YES
    outcome.bedroom_seen = True
    outcome.child_awake = True if age_years < 2 else None
    if age_years < 2 and marker % 3 == 0:
        outcome.child_awake = False
        outcome.not_awake_reason = "Asleep after a feed; not woken (synthetic note)."
        outcome.see_awake_by = started.date() + timedelta(days=7)
    if age_years < 4:
        outcome.seen_alone = YesNo.NO
        outcome.reason_not_seen_alone = ReasonNotSeenAlone.INAPPROPRIATE_AGE_UNDERSTANDING
    else:
        outcome.seen_alone = YesNo.YES
        outcome.seen_alone_where = SeenAloneWhere.CHILD_BEDROOM
    outcome.voice = _voice(rng, age_years)
    if outcome.voice.communication == ChildCommunication.VERBAL_ENGLISH and marker % 5 == 0:
        _another_language(outcome.voice, marker, present)
    outcome.observations = [
        Observation(
            category=ObservationCategory.PRESENTATION_HYGIENE_CLOTHING,
            text="Clean clothes, hair brushed (synthetic note).",
        ),
        *[
            Observation(
                category=ObservationCategory.INTERACTION_WITH_CARER,
                about_person_id=p.person_id,
                text=f"Relaxed with {p.name}, went to them for comfort (synthetic note).",
            )
            for p in present
        ],
    ]
    return outcome


def _another_language(voice: ChildVoice, marker: int, present: list[PersonPresent]) -> None:
    voice.communication = ChildCommunication.VERBAL_OTHER_LANGUAGE
    voice.language = LANGUAGES[marker % len(LANGUAGES)]
    if marker % 2 == 0 and present:
        voice.interpreter = Interpreter.FAMILY_MEMBER
        voice.interpreter_person_id = present[0].person_id
        voice.interpreter_notes = (
            "No interpreter free at short notice; one is booked for the next visit (synthetic)."
        )
    else:
        voice.interpreter = Interpreter.PROFESSIONAL
        voice.interpreter_notes = AGENCY


def _voice(rng: random.Random, age_years: float) -> ChildVoice:
    if age_years < 2:
        return ChildVoice(
            communication=ChildCommunication.PRE_VERBAL,
            methods=[VoiceMethod.OBSERVATION_ONLY],
            wishes_and_feelings="Smiled and babbled; settled quickly (synthetic note).",
        )
    return ChildVoice(
        communication=ChildCommunication.VERBAL_ENGLISH,
        methods=[rng.choice((VoiceMethod.CONVERSATION, VoiceMethod.THREE_HOUSES))],
        words_verbatim=[Quote(text=rng.choice(SAYINGS))],
        wishes_and_feelings="Wants to keep seeing both parents (synthetic note).",
        practitioner_analysis="Appeared comfortable at home (synthetic note).",
    )
