"""The voice page's questions for a child who talks another language: which language, whether an
interpreter was used, and who. A family member interpreting is a prompt, never a silent answer:
the page says why it matters and asks why no independent interpreter was used."""

from __future__ import annotations

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, PageContext
from mobile.ui.viewmodels.labels import choices
from mobile.ui.viewmodels.visit.people import person_name
from models.enums import Interpreter
from models.visit import Visit

__all__ = ["interpreter_choices", "language_fields"]

F = FieldKind


def interpreter_choices(visit: Visit, ctx: PageContext) -> tuple[tuple[str, str], ...]:
    """The people here, then people on record (choosing one records them as here: they were)."""
    out = {str(p.person_id): person_name(p, n) for n, p in enumerate(visit.persons_present)}
    for pid, name in ctx.known_people:
        out.setdefault(str(pid), name)
    return tuple(out.items())


def language_fields(visit: Visit, i: int, ctx: PageContext) -> list[FieldSpec]:
    name = ctx.child_name(visit, i)
    voice = visit.children[i].voice
    p = f"children.{i}.voice"
    out = [
        FieldSpec(f"{p}.language", f"Which language does {name} talk?", F.TEXT),
        FieldSpec(
            f"{p}.interpreter", "Was an interpreter used?", F.CHOICE, tuple(choices(Interpreter))
        ),
    ]
    if voice.interpreter == Interpreter.PROFESSIONAL:
        out.append(FieldSpec(f"{p}.interpreter_notes", "The interpreter's name or agency", F.TEXT))
    elif voice.interpreter in (Interpreter.FAMILY_MEMBER, Interpreter.OTHER_ADULT):
        out.append(
            FieldSpec(
                f"{p}.interpreter_person_id", "Who interpreted?", F.CHOICE,
                interpreter_choices(visit, ctx),
                "Not on the list? Add them in 'Who is here and who cares': they were here.",
            )
        )  # fmt: skip
    if voice.interpreter == Interpreter.FAMILY_MEMBER:
        out += [
            FieldSpec(
                f"{p}.family_interpreter",
                f"A family member interpreted: {name} may not feel free to say what is happening "
                "at home in front of family, and what they say may be changed or left out. Use "
                f"an independent interpreter where you can, and plan to see {name} with one.",
                F.WARNING,
            ),
            FieldSpec(
                f"{p}.interpreter_notes", "Why no independent interpreter was used", F.MULTILINE
            ),
        ]
    return out
