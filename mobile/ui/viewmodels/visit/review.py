"""The review as a check-your-answers page: what is still needed, grouped by child and step and
most important first; where each problem is answered (the page and the field on it); and a
readback of what submitting will lock.

Pure functions over the visit and its check, so the page is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, Page, PageContext
from mobile.ui.viewmodels.labels import counted, label
from mobile.ui.viewmodels.visit.pages import fields_for, pages_for, title_for
from mobile.ui.viewmodels.visit.people import person_name
from models.enums import YesNo
from models.rules import Check, Problem, Step
from models.visit import Visit

__all__ = [
    "ProblemGroup", "SummaryLine", "group_problems", "landing_field", "landing_for",
    "locked_summary", "page_of",
]  # fmt: skip

# Most important first: whether each child was seen comes before everything else, then a concern
# raised now and who cares for the child; the visit's own details last.
_RANK = {
    Step.CHILD: 0,
    Step.CONCERNS: 1,
    Step.PEOPLE: 2,
    Step.VOICE: 3,
    Step.OBSERVATIONS: 4,
    Step.VISIT: 5,
}
_INPUTS = frozenset(FieldKind) - {FieldKind.HEADER, FieldKind.HINT, FieldKind.WARNING}
# Where the rules name a field by the record's name and the page by how it is asked.
_ALIASES = {"started_at": "when.start", "ended_at": "when.end"}


@dataclass(frozen=True)
class ProblemGroup:
    title: str  # the page's own title: "Tobias: seen?", "Who is here and who cares"
    page: Page
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class SummaryLine:
    heading: str
    text: str


def page_of(problem: Problem, visit: Visit) -> Page:
    """The page where `problem` is answered (the child's first page if that step is not shown)."""
    index = None
    if problem.child_id is not None:
        ids = [c.child_id for c in visit.children]
        index = ids.index(problem.child_id) if problem.child_id in ids else None
    if problem.step in (Step.CHILD, Step.VOICE, Step.OBSERVATIONS):
        if index is None:
            return Page(Step.VISIT) if not visit.children else Page(Step.CHILD, 0)
        wanted = Page(problem.step, index)
        return wanted if wanted in pages_for(visit) else Page(Step.CHILD, index)
    return Page(problem.step)


def group_problems(check: Check, visit: Visit, ctx: PageContext) -> list[ProblemGroup]:
    """One group per page, most important step first, children in visit order within a step;
    within a group, the rules' own order (the order the page asks)."""
    grouped: dict[Page, list[Problem]] = {}
    for problem in check.problems:
        grouped.setdefault(page_of(problem, visit), []).append(problem)
    order = {page: n for n, page in enumerate(pages_for(visit))}

    def rank(page: Page) -> tuple[int, int]:
        step = page.rule_step
        return (_RANK.get(step, len(_RANK)) if step else len(_RANK), order.get(page, len(order)))

    return [
        ProblemGroup(title_for(page, visit, ctx), page, tuple(grouped[page]))
        for page in sorted(grouped, key=rank)
    ]


def landing_field(problem: Problem, specs: list[FieldSpec]) -> str | None:
    """The path of the field on the page that answers `problem`: the same field, the one its
    record name is asked as, the one whose question the message repeats ("Describe how Ada was
    with Sam" lands on "How Ada was with Sam"), or the nearest enclosing field; else the first
    question on the page."""
    inputs = [s for s in specs if s.kind in _INPUTS]
    wanted = _ALIASES.get(problem.field, problem.field)
    for spec in inputs:
        if spec.path == wanted:
            return spec.path
    message = problem.message.lower()
    for spec in inputs:
        if spec.label.lower() in message:
            return spec.path
    parent = wanted.rsplit(".", 1)[0]
    for spec in inputs:
        if spec.path.startswith(wanted + ".") or wanted.startswith(spec.path + "."):
            return spec.path
    for spec in inputs:
        if spec.path.startswith(parent + ".") and parent.count(".") >= 1:
            return spec.path
    return inputs[0].path if inputs else None


def locked_summary(visit: Visit, ctx: PageContext) -> list[SummaryLine]:
    """What submitting will lock, read back in words: the visit, each child seen or not (and
    why), their voice, who was here, and any concern."""
    when = visit.started_at or visit.created_on_device_at
    end = f" to {visit.ended_at:%H:%M}" if visit.ended_at is not None else ""
    visit_words = [f"{when:%d %b %Y %H:%M}{end}"]
    if visit.visit_purpose is not None:
        visit_words.append(label(visit.visit_purpose))
    if visit.visit_outcome is not None:
        visit_words.append(label(visit.visit_outcome))
    out = [SummaryLine("The visit", ", ".join(visit_words))]
    for index in range(len(visit.children)):
        out.append(SummaryLine(ctx.child_name(visit, index), _child_words(visit, index)))
    present = [person_name(p, n) for n, p in enumerate(visit.persons_present)]
    out.append(
        SummaryLine("Who was here", ", ".join(present) if present else "Nobody recorded as here")
    )
    concerns = len(visit.concerns_received)
    now = label(visit.safeguarding_concern_now, empty="not answered")
    out.append(
        SummaryLine(
            "Concerns",
            f"Concern now: {now}. {counted(concerns, 'concern')} received from others."
            if concerns
            else f"Concern now: {now}.",
        )
    )
    return out


def _child_words(visit: Visit, index: int) -> str:
    child = visit.children[index]
    if child.child_seen == YesNo.NO:
        why = label(child.reason_not_seen, empty="reason not given")
        return f"Not seen: {why}."
    if child.child_seen != YesNo.YES:
        return "Seen or not: not answered."
    alone = {YesNo.YES: "seen alone", YesNo.NO: "not seen alone", None: ""}[child.seen_alone]
    alone = alone or "seen alone or not: not answered"
    quotes = len(child.voice.words_verbatim)
    said = counted(quotes, "thing they said", "things they said") if quotes else "no words recorded"
    return f"Seen, {alone}; {said}."


def landing_for(problem: Problem, visit: Visit, ctx: PageContext) -> tuple[Page, str | None]:
    page = page_of(problem, visit)
    return page, landing_field(problem, fields_for(page, visit, ctx))
