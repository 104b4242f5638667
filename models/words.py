"""Codes in plain words: the one way a code's words are found, for the app and the console, each
with its own list (a practitioner's "Left for my safety" is a manager's "Left for the worker's
safety").

Looked up by (class, value), never by member: members of different StrEnums with the same value
are equal and hash alike (Relationship.MOTHER and ParentalResponsibility.MOTHER; CarerRole.NONE
and SafeguardingConcernNow.NONE...), so a dict keyed by members mixes their words up. A code
without an entry falls back to its name in sentence case, so a value added to models/ is shown
sensibly before anyone words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

__all__ = ["Words"]


class Words:
    """`words(member)`: the member's words from `pairs`, or its name in sentence case."""

    def __init__(self, pairs: Iterable[tuple[Enum, str]]) -> None:
        self._words = {(type(member), str(member.value)): words for member, words in pairs}

    def worded(self, value: Enum) -> bool:
        """Whether the member has words of its own here (not only the fallback)."""
        return (type(value), str(value.value)) in self._words

    def __call__(self, value: Enum | None, *, empty: str = "") -> str:
        if value is None:
            return empty
        words = self._words.get((type(value), str(value.value)))
        if words is not None:
            return words
        name = value.name.replace("_", " ").lower()
        return name[:1].upper() + name[1:]
