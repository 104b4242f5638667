"""Routes: each screen (and each step of a visit) has an address, so the browser's back button and
Android's back gesture go to the previous step or screen, and a link opens the screen it names.

    /caseload  /sync  /settings  /amend  /escalation
    /child/<child id>
    /visit/<visit id>/<step>[/<child index>]

Addresses carry ids, never names. While the app is locked no address opens anything: the one asked
for waits, and opens once the practitioner has unlocked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from mobile.ui.viewmodels.fields import REVIEW, Page
from models.rules import Step

if TYPE_CHECKING:
    from mobile.ui.viewmodels.app import AppViewModel

__all__ = ["HOME", "can_go_back", "go_back", "open_route", "route_of"]

HOME = "/caseload"
_STEPS = {str(s) for s in Step} | {REVIEW}


def route_of(app: AppViewModel) -> str | None:
    """Where the app is now; None while locked (the address asked for is kept, not replaced)."""
    from mobile.ui.viewmodels.app import Screen

    screen = app.screen
    if app.services is None:
        return None
    if screen == Screen.CHILD and app.child is not None:
        return f"/child/{app.child.row.child_id}"
    if screen == Screen.VISIT and app.recorder is not None:
        page = app.recorder.page
        tail = "" if page.child_index is None else f"/{page.child_index}"
        return f"/visit/{app.recorder.visit.visit_id}/{page.step}{tail}"
    if screen in (Screen.SYNC, Screen.SETTINGS, Screen.AMEND, Screen.ESCALATION):
        return f"/{screen.value}"
    return HOME


def can_go_back(app: AppViewModel) -> bool:
    route = route_of(app)
    return route is not None and route != HOME


def go_back(app: AppViewModel) -> bool:
    """One step back: the previous step of a visit, else the screen this one was opened from.
    False where there is nowhere to go back to (the caseload, or while locked)."""
    from mobile.ui.viewmodels.app import Screen

    if not can_go_back(app):
        return False
    screen, rec = app.screen, app.recorder
    if screen == Screen.VISIT and rec is not None and rec.index > 0:
        rec.back()
    elif screen == Screen.VISIT:
        app.close_visit()
    elif screen == Screen.ESCALATION:
        app.close_escalation()
    elif screen == Screen.AMEND:
        app.open_settings()
    else:
        app.go_caseload()
    return True


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def open_route(app: AppViewModel, route: str) -> bool:
    """Show what `route` names. Locked: keep it for after unlock. An address that names nothing
    on this device (a mistyped link, a child no longer on the caseload) opens the caseload."""
    if app.services is None:
        app.pending_route = route
        return False
    if route == route_of(app):
        return True
    parts = [p for p in route.split("?")[0].split("/") if p]
    head = parts[0] if parts else ""
    if head == "visit" and len(parts) >= 3 and _open_step(app, parts[1:]):
        return True
    app.leave_visit()
    if head == "child" and len(parts) == 2 and (child_id := _uuid(parts[1])) is not None:
        app.open_child(child_id)
        if app.child is not None and app.child.row.child_id == child_id:
            return True
    elif head == "sync":
        app.open_sync()
        return True
    elif head == "settings":
        app.open_settings()
        return True
    elif head == "amend":
        app.open_amend()
        return True
    elif head == "escalation":
        app.open_escalation()
        return True
    app.go_caseload()
    return head in ("caseload", "")


def _open_step(app: AppViewModel, parts: list[str]) -> bool:
    visit_id = _uuid(parts[0])
    step = parts[1]
    index = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else None
    if visit_id is None or step not in _STEPS:
        return False
    rec = app.recorder
    if rec is None or rec.visit.visit_id != visit_id:
        app.leave_visit()
        app.open_draft(visit_id)
        rec = app.recorder
        if rec is None or rec.visit.visit_id != visit_id:
            return False
    page = Page(step, index)
    if page in rec.pages and page != rec.page:
        rec.go(page)
    return True
