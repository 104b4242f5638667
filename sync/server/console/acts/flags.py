"""A flag's page: what it says, its history, and the forms that acknowledge it with what was
done or close (clear) it with a note. The rules are services.oversight.actions'."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models.oversight import FlagAction, FlagStatus
from sync import protocol
from sync.protocol_oversight import MAX_FLAG_NOTE
from sync.server.console.flags import describe
from sync.server.console.forms import Posted, Problems, parse_id, posted, refusal_page, text, when
from sync.server.console.router import db_of, now_of, render, signed_in
from sync.server.console.scope import actor_of, child_names, names_of
from sync.server.console.sessions import Staff
from sync.server.services.chronology.words import code_label
from sync.server.services.common import Refusal
from sync.server.services.oversight.actions import act_on_flag
from sync.server.services.oversight.reads import one_flag

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False)

_FORMS = {"acknowledge": FlagAction.ACKNOWLEDGED, "close": FlagAction.CLOSED}


def _page(
    request: Request, staff: Staff, flag_id: str, *, form: str = "", note: str = "",
    problems: Problems | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    found = parse_id(flag_id)
    if found is None:
        return refusal_page(request, staff, Refusal(protocol.NOT_FOUND, "No such flag."))
    db, now = db_of(request), now_of(request)
    try:
        view = one_flag(db=db, actor=actor_of(staff), flag_id=found, now=now)
    except Refusal as exc:
        return refusal_page(request, staff, exc)
    names = child_names(db, staff, [view.child_id])
    who = names_of(db, staff.org_id, [e.by_practitioner_id for e in view.history])
    history = [
        {
            "what": code_label(FlagAction, e.action),
            "at": when(e.at),
            "by": who.get(e.by_practitioner_id, "") if e.by_practitioner_id else "The record",
            "note": e.note,
        }
        for e in reversed(view.history)  # newest first
    ]
    context = {
        "staff": staff,
        "flag": view,
        "what": describe(view.kind),
        "status": code_label(FlagStatus, view.status),
        "child_name": names.get(view.child_id, "The child"),
        "since": when(view.since),
        "history": history,
        "form": form,
        "note": note,
        "problems": problems or Problems(),
        "done": request.query_params.get("done", ""),
    }
    return render(request, "flag.html", context, status)


@router.get("/flags/{flag_id}", response_class=HTMLResponse)
def flag_page(request: Request, flag_id: str) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    return _page(request, staff, flag_id)


@router.post("/flags/{flag_id}/{form}", response_class=HTMLResponse)
async def act(request: Request, flag_id: str, form: str) -> Response:
    got = await posted(request)
    if not isinstance(got, Posted):
        return got
    staff = got.staff
    action = _FORMS.get(form)
    found = parse_id(flag_id)
    if action is None or found is None:
        return refusal_page(request, staff, Refusal(protocol.NOT_FOUND, "No such flag."))
    problems = Problems()
    field = f"{form}_note"
    required = (
        "Say what was done, or why nothing more is needed."
        if action == FlagAction.CLOSED
        else "Say what you are doing about it."
    )
    note = text(got.form, field, limit=MAX_FLAG_NOTE, label="The note", problems=problems,
                required=required)  # fmt: skip
    if not problems:
        try:
            act_on_flag(
                db=db_of(request), actor=actor_of(staff), flag_id=found, action=action,
                note=note, now=now_of(request),
            )  # fmt: skip
        except Refusal as exc:
            if exc.code in (protocol.NOT_FOUND, protocol.FORBIDDEN):
                return refusal_page(request, staff, exc)
            problems[field] = exc.detail
    if problems:
        return _page(request, staff, flag_id, form=form, note=note, problems=problems, status=400)
    return RedirectResponse(f"/console/flags/{found}?done={form}", status_code=303)
