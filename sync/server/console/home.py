"""The console's first page, the team dashboard at /console/ (its reads: dashboard.py). Its own
router, included by mount_console ahead of the frame's catch-all, so other pages add routers of
their own beside it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.oversight.facts import UK
from sync.server.console import router as frame
from sync.server.console.dashboard import AGE_BANDS, dashboard
from sync.server.console.sessions import IDLE, Staff

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False)


def when(at: datetime) -> str:
    """A moment as the office reads it: "1 December 2026, 09:05" (UK time)."""
    local = at.astimezone(UK)
    return f"{local.day} {local:%B %Y, %H:%M}"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    staff = frame.signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    board = dashboard(frame.db_of(request), staff, now=frame.now_of(request))
    context = {
        "staff": staff,
        "board": board,
        "bands": AGE_BANDS,
        "when": when,
        "idle_minutes": int(IDLE.total_seconds() // 60),
    }
    return frame.render(request, "home.html", context)
