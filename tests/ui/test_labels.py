"""Plain words for codes: each enumeration's own words, even where two share a value."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from mobile.ui.viewmodels import labels
from mobile.ui.viewmodels.labels import _WORDS_LIST, choices, label
from models.enums import (
    CarerRole,
    ParentalResponsibility,
    Relationship,
    SafeguardingConcernNow,
    SeenAloneWhere,
)


def test_every_worded_code_reads_as_written() -> None:
    for member, words in _WORDS_LIST:
        assert label(member) == words, member


def test_codes_sharing_a_value_across_enumerations_keep_their_own_words() -> None:
    assert label(Relationship.MOTHER) == "Mother"
    assert label(ParentalResponsibility.MOTHER) == "Yes: birth mother"
    assert label(SafeguardingConcernNow.NONE) == "None"
    assert label(CarerRole.NONE) == "Does not care for the children"
    assert label(SeenAloneWhere.OTHER) == "Somewhere else"
    assert ("NONE", "None") in choices(SafeguardingConcernNow)


def test_an_unworded_code_falls_back_to_its_name_in_sentence_case() -> None:
    class Added(StrEnum):
        NEW_KIND_OF_VISIT = "NEW_KIND_OF_VISIT"

    assert label(Added.NEW_KIND_OF_VISIT) == "New kind of visit"
    assert label(None, empty="not answered") == "not answered"


def _offered() -> list[type[StrEnum]]:
    """Every enumeration a screen offers as a choice: each `choices(X` in mobile/ui."""
    root = Path(labels.__file__).resolve().parents[1]
    names = set()
    for path in root.rglob("*.py"):
        names |= set(re.findall(r"\bchoices\(([A-Z][A-Za-z]+)", path.read_text()))
    import models.enums
    import models.escalation

    found = []
    for name in sorted(names):
        enum = getattr(models.enums, name, None) or getattr(models.escalation, name, None)
        assert enum is not None, name
        found.append(enum)
    return found


@pytest.mark.parametrize("enum", _offered(), ids=lambda e: e.__name__)
def test_every_code_a_screen_offers_has_words_a_practitioner_uses(enum: type[StrEnum]) -> None:
    missing = [m.name for m in enum if not label.worded(m)]
    assert missing == [], f"{enum.__name__}: word these in labels.py"


def test_code_names_seen_in_the_walk_through_are_words_now() -> None:
    from models.enums import ConsultationMechanism, VisitPurpose

    assert label(VisitPurpose.HCP_6_8_WEEK) == "Health visitor: 6 to 8 week review"
    assert "Talk type" not in label(ConsultationMechanism.TALK_TYPE)
