"""Plain words for codes: each enumeration's own words, even where two share a value."""

from __future__ import annotations

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
    assert label(SeenAloneWhere.OTHER) == "Other"
    assert ("NONE", "None") in choices(SafeguardingConcernNow)


def test_an_unworded_code_falls_back_to_its_name_in_sentence_case() -> None:
    assert label(Relationship.GRANDPARENT) == "Grandparent"
    assert label(None, empty="not answered") == "not answered"
