"""Recording a decision about a child at the console: a strategy discussion's outcome, a decision
to assess, a change of plan (the rest of the kinds too). services.oversight.decisions holds the
rules (dates, order, a plan's visiting rule); the form only reads what was typed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models.enums import ServiceContext
from models.oversight import DecisionKind
from sync import protocol
from sync.server.console.forms import Posted, Problems, day, parse_id, posted, refusal_page, text
from sync.server.console.router import db_of, now_of, render, signed_in
from sync.server.console.scope import actor_of
from sync.server.console.sessions import Staff
from sync.server.services.chronology.words import label
from sync.server.services.common import AuditLog, Refusal
from sync.server.services.concerns.reads import refused
from sync.server.services.oversight.decisions import record_decision
from sync.server.services.oversight.reads import scoped_child

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False)

# The kinds and plans the form offers, in this order; their words are the console's own.
KINDS = {
    k: label(k)
    for k in (
        DecisionKind.STRATEGY_DISCUSSION, DecisionKind.DECISION_TO_ASSESS,
        DecisionKind.CONTEXT_CHANGED, DecisionKind.S47_DECISION, DecisionKind.ICPC,
        DecisionKind.REFERRAL, DecisionKind.ASSESSMENT_STARTED, DecisionKind.ASSESSMENT_AUTHORISED,
    )
}  # fmt: skip
PLANS = {
    c: label(c)
    for c in (
        ServiceContext.CP_PLAN, ServiceContext.CIN_PLAN, ServiceContext.CLA,
        ServiceContext.ASSESSMENT_S17, ServiceContext.S47_ENQUIRY,
        ServiceContext.PRIVATE_FOSTERING, ServiceContext.EARLY_HELP,
    )
}  # fmt: skip


def _child_name(request: Request, staff: Staff, child_id: str) -> str | Refusal:
    """The child's name when they are in the person's scope; the refusal (audited) otherwise."""
    found = parse_id(child_id)
    if found is None:
        return Refusal(protocol.NOT_FOUND, "No such child on your organisation's record.")
    db, actor = db_of(request), actor_of(staff)
    try:
        with db.write() as s:
            child = scoped_child(s, actor, found)
            audit = AuditLog(s, now_of(request), actor)
            audit.add("decision.form", child_id=found)  # the page names the child
            audit.flush()
            return str((child.data or {}).get("name", "")) or "(no name)"
    except Refusal as exc:
        return refused(db, actor, now_of(request), "decision.form", exc, child_id=found)


def _form(
    request: Request, staff: Staff, child_id: str, name: str, values: dict[str, str],
    problems: Problems, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {"staff": staff, "child_id": child_id, "child_name": name, "values": values,
               "problems": problems, "kinds": KINDS, "plans": PLANS}  # fmt: skip
    return render(request, "decision_new.html", context, status)


@router.get("/children/{child_id}/decisions/new", response_class=HTMLResponse)
def new_decision(request: Request, child_id: str) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    name = _child_name(request, staff, child_id)
    if isinstance(name, Refusal):
        return refusal_page(request, staff, name)
    return _form(request, staff, child_id, name, {}, Problems())


@router.post("/children/{child_id}/decisions/new", response_class=HTMLResponse)
async def record(request: Request, child_id: str) -> Response:
    got = await posted(request)
    if not isinstance(got, Posted):
        return got
    staff, form = got.staff, got.form
    name = _child_name(request, staff, child_id)
    if isinstance(name, Refusal):
        return refusal_page(request, staff, name)
    problems = Problems()
    kind = form.get("kind", "")
    if kind not in KINDS:
        problems["kind"] = "Choose what was decided."
    made_on = day(form, "made_on", label="the day it was decided", problems=problems)
    plan = str(form.get("plan", "")).upper()  # govukSelect lowers its options' values
    if kind == DecisionKind.CONTEXT_CHANGED and plan not in PLANS:
        problems["plan"] = "Choose the plan the child moves to."
    outcome = (
        plan
        if kind == DecisionKind.CONTEXT_CHANGED
        else text(form, "outcome", limit=200, label="The outcome", problems=problems)
    )
    reason = text(form, "reason", limit=4000, label="The reason", problems=problems,
                  required="Say why: what the decision rests on.")  # fmt: skip
    values = {"kind": str(kind), "plan": str(plan), "outcome": outcome, "reason": reason,
              **{k: str(form.get(k, ""))[:20] for k in
                 ("made_on-day", "made_on-month", "made_on-year")}}  # fmt: skip
    if problems or made_on is None:
        return _form(request, staff, child_id, name, values, problems, 400)
    found = parse_id(child_id)
    assert found is not None  # _child_name parsed it
    try:
        record_decision(
            db=db_of(request), actor=actor_of(staff), child_id=found, kind=str(kind),
            made_on=made_on, outcome=outcome, reason=reason, now=now_of(request),
        )  # fmt: skip
    except Refusal as exc:
        if exc.code in (protocol.NOT_FOUND, protocol.FORBIDDEN):
            return refusal_page(request, staff, exc)
        problems["kind"] = exc.detail
        return _form(request, staff, child_id, name, values, problems, 400)
    return RedirectResponse(f"/console/children/{found}?decided=1", status_code=303)
