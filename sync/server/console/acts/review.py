"""The review queue at /console/review: each item with a note, signed off, or sent back to the
worker with what to do (a task on the child, on the worker's device after their next sync).
services.oversight.review holds the queue, the scope and the outcomes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync import protocol
from sync.server.console.acts.sent_back import sent_back_rows
from sync.server.console.forms import Posted, Problems, parse_id, posted, refusal_page, text, when
from sync.server.console.router import db_of, now_of, render, signed_in
from sync.server.console.scope import actor_of, child_names, names_of
from sync.server.console.sessions import Staff
from sync.server.services.common import Refusal
from sync.server.services.oversight.review import ITEM_KINDS, MAX_NOTE, decide, review_queue

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False)

HEADINGS = {
    "visit": "Children not seen at a visit",
    "escalation": "Escalations",
    "conflict": "Records in conflict",
    "rejected": "Records the central record could not accept",
}
RECORDS = {"visit": "A visit", "concern": "A concern", "escalation": "An escalation"}


def _page(
    request: Request, staff: Staff, *, item: str = "", note: str = "",
    problems: Problems | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    db, now = db_of(request), now_of(request)
    items = review_queue(db=db, actor=actor_of(staff), now=now)
    names = child_names(db, staff, [i.child_id for i in items])
    workers = names_of(db, staff.org_id, [i.worker_id for i in items])
    groups = [
        (
            kind,
            HEADINGS[kind],
            [
                {
                    "item": i,
                    "key": f"{i.kind}-{i.item_id}",
                    "child": names.get(i.child_id, "") if i.child_id else "",
                    "worker": workers.get(i.worker_id, "") if i.worker_id else "",
                    "at": when(i.at),
                    "record": RECORDS.get(str(i.details.get("record", "")), "A record"),
                }
                for i in items
                if i.kind == kind
            ],
        )
        for kind in ITEM_KINDS
    ]
    context = {
        "staff": staff, "groups": groups, "count": len(items), "item": item, "note": note,
        "problems": problems or Problems(), "done": request.query_params.get("done", ""),
        "active": "review", "sent": sent_back_rows(request, staff),
    }  # fmt: skip
    return render(request, "review.html", context, status)


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    return _page(request, staff)


@router.post("/review/{kind}/{item_id}", response_class=HTMLResponse)
async def review(request: Request, kind: str, item_id: str) -> Response:
    got = await posted(request)
    if not isinstance(got, Posted):
        return got
    staff = got.staff
    found = parse_id(item_id)
    if kind not in ITEM_KINDS or found is None:
        return refusal_page(request, staff, Refusal(protocol.NOT_FOUND, "Nothing like this."))
    key = f"{kind}-{found}"
    problems = Problems()
    note = text(got.form, "note", limit=MAX_NOTE, label="The note", problems=problems)
    back = got.form.get("outcome") == "back"
    if problems:
        problems[f"note-{key}"] = problems.pop("note")
        return _page(request, staff, item=key, note=note, problems=problems, status=400)
    try:
        decide(
            db=db_of(request), actor=actor_of(staff), kind=kind, item_id=found,
            back_to_worker=back, note=note, now=now_of(request),
        )  # fmt: skip
    except Refusal as exc:
        if exc.code in (protocol.NOT_FOUND, protocol.FORBIDDEN):
            return refusal_page(request, staff, exc)
        problems[f"note-{key}"] = exc.detail
        return _page(request, staff, item=key, note=note, problems=problems, status=400)
    return RedirectResponse(f"/console/review?done={'back' if back else 'signed'}", 303)
