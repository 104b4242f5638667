"""A concern received by phone or message, recorded at the console; a concern's page, with the
form that acknowledges it with what was done. The rules are services.concerns'."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models.enums import ConcernChannel, Relationship
from models.ids import new_id
from sync import protocol
from sync.protocol import AcknowledgeRequest, ConcernRequest
from sync.protocol_concerns import MAX_CONCERN_TEXT
from sync.server.console.forms import (
    Posted,
    Problems,
    moment,
    parse_id,
    posted,
    refusal_page,
    text,
    when,
)
from sync.server.console.router import db_of, now_of, render, signed_in
from sync.server.console.scope import (
    actor_of,
    child_names,
    children_in_scope,
    names_of,
    refuse_outside,
)
from sync.server.console.sessions import Staff
from sync.server.services.common import Refusal
from sync.server.services.concerns import acknowledge_concern, record_concern
from sync.server.services.concerns.reads import one_concern
from sync.server.services.concerns.record import MAX_REPORTER_TEXT

__all__ = ["CHANNELS", "router"]

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_CHILDREN = 50  # ConcernRequest.children_concerned's limit

# How a concern reaches the desk (a visit's own concerns come from the device).
CHANNELS = {
    ConcernChannel.PHONE: "Phone call",
    ConcernChannel.TEXT_EMAIL: "Text message or email",
    ConcernChannel.LETTER: "Letter",
}
RELATIONSHIPS = {
    Relationship.GRANDPARENT: "Grandparent",
    Relationship.OTHER_RELATIVE: "Another relative",
    Relationship.MOTHER: "Mother",
    Relationship.FATHER: "Father",
    Relationship.SIBLING: "Brother or sister",
    Relationship.FRIEND_OF_FAMILY: "Friend of the family",
    Relationship.PROFESSIONAL: "A professional (school, health, police)",
    Relationship.UNKNOWN: "Not known",
}


def _form_page(
    request: Request, staff: Staff, values: dict[str, Any], problems: Problems, status: int = 200
) -> HTMLResponse:
    children = children_in_scope(db_of(request), staff, now=now_of(request))
    context = {
        "staff": staff,
        "values": values,
        "problems": problems,
        "children": children,
        "channels": CHANNELS,
        "relationships": RELATIONSHIPS,
    }
    return render(request, "concern_new.html", context, status)


@router.get("/concerns/new", response_class=HTMLResponse)
def new_concern(request: Request, child: str = "") -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    picked = parse_id(child)
    values = {"children": [str(picked)] if picked else [], "concern_id": str(new_id())}
    return _form_page(request, staff, values, Problems())


@router.post("/concerns/new", response_class=HTMLResponse)
async def record(request: Request) -> Response:
    got = await posted(request)
    if not isinstance(got, Posted):
        return got
    staff, form = got.staff, got.form
    problems = Problems()
    name = text(form, "reporter_name", limit=MAX_REPORTER_TEXT, label="Who raised it",
                problems=problems, required="Enter who raised the concern, or \u201cnot given\u201d.")  # fmt: skip
    contact = text(form, "reporter_contact", limit=MAX_REPORTER_TEXT, label="How to reach them",
                   problems=problems)  # fmt: skip
    relationship = str(form.get("reporter_relationship", "")).upper()  # govukSelect lowers values
    if relationship not in RELATIONSHIPS:  # the concern's rules ask for it: "Not known" is one
        problems["reporter_relationship"] = "Choose who they are to the child, or “Not known”."
    channel = form.get("channel", "")
    if channel not in CHANNELS:
        problems["channel"] = "Choose how the concern was received."
    at = moment(form, "received", label="when it was received", problems=problems)
    content = text(form, "content", limit=MAX_CONCERN_TEXT, label="What was said",
                   problems=problems, required="Enter what was said, in their words if you can.")  # fmt: skip
    picked = [v for v in form.getlist("children") if isinstance(v, str)]
    ids = [i for i in (parse_id(v) for v in picked) if i is not None]
    if not ids or len(ids) != len(picked):
        problems["children"] = "Choose at least one child the concern is about."
    elif len(set(ids)) > MAX_CHILDREN:
        problems["children"] = f"Choose at most {MAX_CHILDREN} children: record another concern."
    concern_id = parse_id(str(form.get("concern_id", ""))) or new_id()
    values = {
        "reporter_name": name, "reporter_contact": contact, "reporter_relationship": relationship,
        "confidential": form.get("confidential") == "yes", "channel": channel,
        "content": content, "children": [str(i) for i in ids], "concern_id": str(concern_id),
        **{k: str(form.get(k, ""))[:20] for k in
           ("received-day", "received-month", "received-year", "received-time")},
    }  # fmt: skip
    if problems or at is None:
        return _form_page(request, staff, values, problems, 400)
    outside = refuse_outside(
        db_of(request), staff, ids, now=now_of(request), action="concern.record"
    )
    if outside is not None:  # the form offers only theirs: a forged or stale post
        return refusal_page(request, staff, outside)
    request_shape = ConcernRequest(
        concern_id=concern_id,
        reporter={
            "name": name.strip(), "contact": contact.strip(),
            "relationship": relationship,
            "confidential_identity": values["confidential"],
        },
        channel=ConcernChannel(channel), received_at=at, content=content, children_concerned=ids,
    )  # fmt: skip
    try:
        record_concern(
            db=db_of(request), actor=actor_of(staff), request=request_shape, now=now_of(request)
        )
    except Refusal as exc:
        if exc.code in (protocol.NOT_FOUND, protocol.FORBIDDEN):
            return refusal_page(request, staff, exc)
        problems["content" if exc.code == protocol.REQUEST_INVALID else "received"] = exc.detail
        return _form_page(request, staff, values, problems, 400)
    return RedirectResponse(f"/console/concerns/{concern_id}?recorded=1", status_code=303)


def _concern_page(
    request: Request, staff: Staff, concern_id: UUID, *, action_taken: str = "",
    problems: Problems | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    db, now = db_of(request), now_of(request)
    try:
        view, child_ids = one_concern(db=db, actor=actor_of(staff), concern_id=concern_id, now=now)
    except Refusal as exc:
        return refusal_page(request, staff, exc)
    concern = view.concern
    ack = concern.acknowledgement
    who = names_of(db, staff.org_id, [concern.received_by, ack.by_practitioner_id if ack else None])
    names = child_names(db, staff, child_ids)
    context = {
        "staff": staff,
        "view": view,
        "concern": concern,
        "channel": CHANNELS.get(concern.channel, "At a visit") if concern.channel else "Not said",
        "relationship": RELATIONSHIPS.get(concern.reporter.relationship, "")
        if concern.reporter.relationship
        else "",
        "children": [(c, names.get(c)) for c in child_ids],  # None: not theirs to see
        "who": who,
        "when": when,
        "action_taken": action_taken,
        "problems": problems or Problems(),
        "recorded": request.query_params.get("recorded") == "1",
        "acknowledged": request.query_params.get("acknowledged") == "1",
    }
    return render(request, "concern.html", context, status)


@router.get("/concerns/{concern_id}", response_class=HTMLResponse)
def concern_page(request: Request, concern_id: str) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    found = parse_id(concern_id)
    if found is None:
        return refusal_page(request, staff, Refusal(protocol.NOT_FOUND, "No such concern."))
    return _concern_page(request, staff, found)


@router.post("/concerns/{concern_id}/acknowledge", response_class=HTMLResponse)
async def acknowledge(request: Request, concern_id: str) -> Response:
    got = await posted(request)
    if not isinstance(got, Posted):
        return got
    staff = got.staff
    found = parse_id(concern_id)
    if found is None:
        return refusal_page(request, staff, Refusal(protocol.NOT_FOUND, "No such concern."))
    problems = Problems()
    done = text(got.form, "action_taken", limit=MAX_CONCERN_TEXT, label="What you did",
                problems=problems, required="Enter what you did about this concern.")  # fmt: skip
    if problems:
        return _concern_page(
            request, staff, found, action_taken=done, problems=problems, status=400
        )
    try:
        acknowledge_concern(
            db=db_of(request), actor=actor_of(staff), concern_id=found,
            request=AcknowledgeRequest(action_taken=done), now=now_of(request),
        )  # fmt: skip
    except Refusal as exc:
        if exc.code in (protocol.NOT_FOUND, protocol.FORBIDDEN):
            return refusal_page(request, staff, exc)
        problems["action_taken"] = exc.detail
        return _concern_page(
            request, staff, found, action_taken=done, problems=problems, status=400
        )
    return RedirectResponse(f"/console/concerns/{found}?acknowledged=1", status_code=303)
