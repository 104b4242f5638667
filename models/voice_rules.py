"""The recording rules for a child's voice (models.rules runs them with the rest): how they
communicate, their own words, and, for a child who talks another language, which language and
who interpreted. A family member interpreting is a prompt: the child may not speak freely in
front of family, so the record says why no independent interpreter was used."""

from __future__ import annotations

from collections.abc import Iterator

from models.checks import Problem, ProblemMaker, Step, has_text
from models.enums import ChildCommunication, Interpreter
from models.visit import ChildOutcome, Visit

__all__ = ["voice_problems"]

_PERSON_PRESENT = frozenset({Interpreter.FAMILY_MEMBER, Interpreter.OTHER_ADULT})


def voice_problems(
    visit: Visit, child: ChildOutcome, label: str, problem: ProblemMaker
) -> Iterator[Problem]:
    voice = child.voice
    if voice.communication is None:
        yield problem("voice.communication", f"Say how {label} communicates.", Step.VOICE)
        return
    if voice.communication == ChildCommunication.VERBAL_OTHER_LANGUAGE:
        yield from _language_problems(visit, child, label, problem)
    if voice.communication.is_verbal:
        if not any(has_text(q.text) for q in voice.words_verbatim):
            yield problem(
                "voice.words_verbatim",
                f"Record what {label} said, in their own words.",
                Step.VOICE,
            )
        if not has_text(voice.wishes_and_feelings):
            yield problem(
                "voice.wishes_and_feelings",
                f"Record {label}'s wishes and feelings.",
                Step.VOICE,
            )
    if voice.communication != ChildCommunication.PRE_VERBAL and not voice.methods:
        yield problem("voice.methods", f"Say how you found out {label}'s views.", Step.VOICE)
    for q_index, quote in enumerate(voice.words_verbatim):
        if not has_text(quote.text):
            yield problem(
                f"voice.words_verbatim.{q_index}.text",
                f"A quote from {label} is empty: type their words or remove it.",
                Step.VOICE,
            )


def _language_problems(
    visit: Visit, child: ChildOutcome, label: str, problem: ProblemMaker
) -> Iterator[Problem]:
    voice = child.voice
    if not has_text(voice.language):
        yield problem("voice.language", f"Say which language {label} talks.", Step.VOICE)
    if voice.interpreter is None:
        yield problem(
            "voice.interpreter", f"Say whether an interpreter was used for {label}.", Step.VOICE
        )
    elif voice.interpreter == Interpreter.PROFESSIONAL:
        if not has_text(voice.interpreter_notes):
            yield problem(
                "voice.interpreter_notes",
                f"Give the name or agency of {label}'s interpreter.",
                Step.VOICE,
            )
    elif voice.interpreter in _PERSON_PRESENT:
        who = voice.interpreter_person_id
        if who is None or visit.person(who) is None:
            yield problem(
                "voice.interpreter_person_id",
                f"Choose who interpreted for {label} from the people here.",
                Step.VOICE,
            )
        if voice.interpreter == Interpreter.FAMILY_MEMBER and not has_text(voice.interpreter_notes):
            yield problem(
                "voice.interpreter_notes",
                f"A family member interpreted for {label}, who may not speak freely in front of "
                "them: say why no independent interpreter was used.",
                Step.VOICE,
            )
