"""A child's page in the console (/console/children/{id}): the chronology newest first, filtered
by kind with a plain GET form; the plan and due dates; everyone around the child. And the export
of the record (/console/children/{id}/export): why, then a JSON document or a PDF.

Scope, redaction and audit are the service's (sync/server/services/chronology); this module only
turns requests into its calls and its answers into pages. Bad input (a malformed id, an unknown
or oversized filter, NUL, a lone surrogate) is a plain page, never a server error.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sync import protocol
from sync.server.console.acts.sent_back import sent_back_rows
from sync.server.console.export_pdf import pdf_available, render_pdf
from sync.server.console.router import (
    db_of,
    error_page,
    form_field,
    now_of,
    refused_csrf,
    render,
    signed_in,
    templates,
)
from sync.server.console.sessions import Staff, csrf_matches
from sync.server.console.when import when
from sync.server.services.chronology import (
    EntryKind,
    ExportPurpose,
    Viewer,
    child_chronology,
    export_chronology,
)
from sync.server.services.chronology.document import as_document
from sync.server.services.common import Refusal

__all__ = ["router"]

router = APIRouter(prefix="/console/children", include_in_schema=False)
MAX_PURPOSE_TEXT = 500
_KINDS = {k.value: k for k in EntryKind}


templates.env.filters["when"] = when


def _viewer(staff: Staff) -> Viewer:
    return Viewer(staff.org_id, staff.practitioner_id, staff.role.value, staff.team_id)


def _child_id(value: str) -> UUID | None:
    if len(value) > 36:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def _no_child(request: Request, staff: Staff) -> HTMLResponse:
    text = "There is no such child on your organisation's record. Check the address."
    return error_page(request, 404, "Child not found", text, staff)


def _signed_in_for(request: Request, child_id: str) -> tuple[Staff, UUID] | Response:
    """Who is asking, about which child; else the page to answer with instead."""
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    found = _child_id(child_id)
    return _no_child(request, staff) if found is None else (staff, found)


def _refusal(request: Request, staff: Staff, exc: Refusal) -> HTMLResponse:
    if exc.code == protocol.FORBIDDEN:
        return error_page(request, 403, "You cannot see this child's record", exc.detail, staff)
    return _no_child(request, staff)


def _kinds(request: Request) -> list[EntryKind] | None:
    """The kinds asked for; None when a value is not one the form offers."""
    asked = request.query_params.getlist("kind")
    if len(asked) > len(_KINDS):
        return None
    found = [_KINDS.get(k) for k in asked]
    return None if any(k is None for k in found) else [k for k in found if k is not None]


@router.get("/{child_id}", response_class=HTMLResponse)
def child_page(request: Request, child_id: str) -> Response:
    asked = _signed_in_for(request, child_id)
    if not isinstance(asked, tuple):
        return asked
    staff, found = asked
    kinds = _kinds(request)
    if kinds is None:
        text = "That filter is not one this page offers. Choose from the list on the child's page."
        return error_page(request, 400, "Filter not recognised", text, staff)
    try:
        chronology = child_chronology(
            db=db_of(request),
            viewer=_viewer(staff),
            child_id=found,
            kinds=kinds,
            now=now_of(request),
        )
    except Refusal as exc:
        return _refusal(request, staff, exc)
    context = {"staff": staff, "c": chronology, "kinds": list(EntryKind), "filtered": bool(kinds),
               "sent": sent_back_rows(request, staff, child_id=found)}  # fmt: skip
    return render(request, "child.html", context)


# --- Export --------------------------------------------------------------------------------------
def _export_form(
    request: Request,
    staff: Staff,
    child_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    purpose: str = "",
    purpose_text: str = "",
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "staff": staff,
        "child_id": child_id,
        "errors": errors or {},
        "purpose": purpose,
        "purpose_text": purpose_text,
        "purposes": list(ExportPurpose),
        "limit": MAX_PURPOSE_TEXT,
    }
    return render(request, "export.html", context, status)


@router.get("/{child_id}/export", response_class=HTMLResponse)
def export_form(request: Request, child_id: str) -> Response:
    asked = _signed_in_for(request, child_id)
    if not isinstance(asked, tuple):
        return asked
    return _export_form(request, *asked)


@router.post("/{child_id}/export", response_class=HTMLResponse)
async def export(request: Request, child_id: str) -> Response:
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    form = await request.form()
    if not csrf_matches(staff.csrf_token, form_field(form, "csrf_token", 100)):
        return refused_csrf(request)
    found = _child_id(child_id)
    if found is None:
        return _no_child(request, staff)
    purpose_code = form_field(form, "purpose", 40)
    text = form_field(form, "purpose_text", MAX_PURPOSE_TEXT).strip()
    fmt = form_field(form, "format", 10)
    errors = {}
    purpose = next((p for p in ExportPurpose if p.value == purpose_code), None)
    if purpose is None:
        errors["purpose"] = "Choose why you are exporting this record."
    elif purpose == ExportPurpose.OTHER and not text:
        errors["purpose_text"] = (
            f"Say why you are exporting this record, in under {MAX_PURPOSE_TEXT} characters."
        )
    if fmt not in ("pdf", "json"):
        errors.setdefault("purpose", "Choose a PDF or a JSON document.")
    if errors or purpose is None:
        return _export_form(
            request, staff, found, errors=errors, purpose=purpose_code, purpose_text=text,
            status=400,
        )  # fmt: skip
    if fmt == "pdf" and not pdf_available():  # before the export is read and audited
        text = (
            "This server cannot make PDFs: its fonts are not installed. Download the JSON "
            "document instead, and tell your administrator."
        )
        return error_page(request, 503, "The PDF cannot be made here", text, staff)
    now = now_of(request)
    try:
        chronology = export_chronology(
            db=db_of(request), viewer=_viewer(staff), child_id=found, purpose=purpose, now=now
        )
    except Refusal as exc:
        return _refusal(request, staff, exc)
    document = as_document(
        chronology, purpose=purpose, purpose_text=text, by=staff.display_name, at=now
    )
    stem = f"child-record-{now:%Y-%m-%d}"  # no name in it: file names end up in logs
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False, indent=2).encode()
        media, name = "application/json", f"{stem}.json"
    else:
        body = render_pdf(
            chronology, purpose=purpose, purpose_text=text, by=staff.display_name, at=now
        )
        media, name = "application/pdf", f"{stem}.pdf"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
