"""What every console action does before its own work: a full session, the form read, its CSRF
token checked; text fields read with their problem in plain words (too long, a NUL, a broken
character), never silently emptied, so the form can show it and keep what was typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from models.base import storable_problem
from models.oversight.facts import UK
from sync import protocol
from sync.server.console.router import error_page, refused_csrf, signed_in
from sync.server.console.sessions import Staff, csrf_matches
from sync.server.services.common import Refusal

__all__ = [
    "Posted",
    "Problems",
    "day",
    "moment",
    "parse_id",
    "posted",
    "refusal_page",
    "text",
    "when",
]

MAX_FORM_BYTES = 200_000  # a concern's words at their longest, and the rest, with room


@dataclass
class Posted:
    staff: Staff
    form: Any


async def posted(request: Request) -> Posted | Response:
    """The signed-in person and their form, or the page that refuses the post."""
    staff = signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    try:
        form = await request.form(max_part_size=MAX_FORM_BYTES)
    except Exception:  # a malformed or oversized body: starlette's parser raises its own kinds
        return error_page(
            request, 400, "This form could not be read", "Go back and try again.", staff
        )
    given = form.get("csrf_token")
    if not csrf_matches(staff.csrf_token, given if isinstance(given, str) else None):
        return refused_csrf(request)
    return Posted(staff, form)


class Problems(dict[str, str]):
    """Field id -> what is wrong, in the order found (the error summary's order)."""

    def summary(self) -> list[dict[str, str]]:
        return [{"text": text, "href": f"#{field}"} for field, text in self.items()]

    def of(self, field: str) -> dict[str, str] | None:
        return {"text": self[field]} if field in self else None


def text(
    form: Any, name: str, *, limit: int, label: str, problems: Problems, required: str = ""
) -> str:
    """A text field as typed; a problem with it goes into `problems` under `name`. `required`
    is the words when it is empty and must not be."""
    value = form.get(name, "")
    if not isinstance(value, str):
        problems[name] = f"{label}: enter text."
        return ""
    trouble = storable_problem(value)
    if trouble is not None:
        problems[name] = f"{label}: {trouble}."
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    if len(value) > limit:
        problems[name] = f"{label} must be {limit:,} characters or fewer."
    elif required and not value.strip():
        problems[name] = required
    return value


def refusal_page(request: Request, staff: Staff, exc: Refusal) -> HTMLResponse:
    """A refusal that the form cannot fix (someone else's child, an id from nowhere)."""
    if exc.code == protocol.NOT_FOUND:
        return error_page(request, 404, "Not found", exc.detail, staff)
    return error_page(request, exc.status, "You cannot do this", exc.detail, staff)


def day(form: Any, name: str, *, label: str, problems: Problems) -> date | None:
    """A GOV.UK date input's three boxes (name-day, name-month, name-year) as a date."""
    parts = [form.get(f"{name}-{p}", "") for p in ("day", "month", "year")]
    if not all(isinstance(p, str) and p.strip() for p in parts):
        problems[name] = f"Enter {label} as a day, month and year, for example 27 3 2026."
        return None
    try:
        d, m, y = (int(str(p).strip()) for p in parts)
        return date(y, m, d) if 1900 <= y <= 2999 else None
    except ValueError:
        pass
    problems[name] = f"{label.capitalize()} must be a real date, for example 27 3 2026."
    return None


_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def moment(form: Any, name: str, *, label: str, problems: Problems) -> datetime | None:
    """A date input and a time box (name-time, 24-hour hh:mm) as a UK time, made aware."""
    on = day(form, name, label=label, problems=problems)
    raw = form.get(f"{name}-time", "")
    found = _TIME.match(raw) if isinstance(raw, str) else None
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        problems.setdefault(
            f"{name}-time", "Enter the time on the 24-hour clock, for example 14:30."
        )
        return None
    if on is None:
        return None
    return datetime.combine(on, time(int(found.group(1)), int(found.group(2))), tzinfo=UK)


def parse_id(value: object) -> UUID | None:
    """An id from an address or a form, or None for anything else."""
    try:
        return UUID(str(value)) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None


def when(at: datetime | None) -> str:
    """A time as the console shows it, in UK time: 27 March 2026, 14:30."""
    return at.astimezone(UK).strftime("%-d %B %Y, %H:%M") if at else ""
