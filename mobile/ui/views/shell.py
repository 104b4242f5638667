"""The page: which screen shows, the bottom navigation, the idle timer, and activity tracking.

Screens are Flet views on a stack: the caseload at the bottom, the screen shown on top of it, so
Android's back gesture and the app bar's back arrow pop to the previous step or screen; each screen
has a route (viewmodels/routes.py), so the browser's back button does the same.

Every handler on the page is wrapped so that any tap or keystroke marks the session active;
background work (auto-sync) is not activity and does not keep the app unlocked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any, Protocol

import flet as ft

from mobile.ui.fonts import apply_fonts, font_theme
from mobile.ui.viewmodels.app import TITLE, AppViewModel, Screen
from mobile.ui.viewmodels.base import Observable
from mobile.ui.viewmodels.routes import HOME, can_go_back, go_back, open_route, route_of
from mobile.ui.views.caseload import CaseloadView, ChildView
from mobile.ui.views.drafts import draft_list, draft_offer
from mobile.ui.views.escalation import EscalationView
from mobile.ui.views.session import EnrolView, UnlockView
from mobile.ui.views.settings import AmendView, SettingsView
from mobile.ui.views.sync import SyncView
from mobile.ui.views.visit import VisitView

__all__ = ["Shell"]

log = logging.getLogger(__name__)
_TABS = (Screen.CASELOAD, Screen.SYNC, Screen.SETTINGS)
_WRAPPED = "_seen_touch_wrapped"


class _View(Protocol):
    root: ft.Column

    def refresh(self) -> None: ...


class Shell:
    def __init__(
        self,
        page: ft.Page,
        app: AppViewModel,
        *,
        background: Callable[[Callable[[], None]], None] | None = None,
        tick_s: float | None = 1.0,
        navigate: Callable[[str], None] | None = None,
    ) -> None:
        """`navigate`: put a route in the browser's history (tests record it instead)."""
        self.page = page
        self.app = app
        self._navigate = navigate or (lambda route: page.run_task(page.push_route, route))
        self._route = page.route
        self._in_flight: list[str] = []  # routes pushed whose echo has not come back yet
        self._background = background or (lambda fn: page.run_thread(fn))
        self._tick_s = tick_s
        self.view: _View | None = None
        self._view_key: tuple[Screen, int] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.nav = ft.NavigationBar(
            destinations=[
                ft.NavigationBarDestination(icon=ft.Icons.PEOPLE, label="Caseload"),
                ft.NavigationBarDestination(icon=ft.Icons.SYNC, label="Sync"),
                ft.NavigationBarDestination(icon=ft.Icons.SETTINGS, label="Settings"),
            ],
            on_change=self._tab,
        )
        page.title = TITLE
        apply_fonts(page)
        page.theme = font_theme(ft.Colors.TEAL)
        page.padding = ft.Padding.all(16)
        self.root_view = page.views[0]
        self.root_view.appbar = self._app_bar()
        self.top_view = self._new_top_view()
        page.on_disconnect = lambda _e: self._disconnected()
        page.on_route_change = self._route_changed
        page.on_view_pop = self._view_popped
        app.subscribe(self.render)

    def _new_top_view(self) -> ft.View:
        return ft.View(route=HOME, appbar=self._app_bar(back=True), padding=ft.Padding.all(16))

    def _app_bar(self, *, back: bool = False) -> ft.AppBar:
        """Buttons named by their words (an icon's tooltip names nothing in the browser) and
        48 px tall; the top view's Back pops, as the back gesture does."""
        lock = ft.TextButton(
            content="Lock", icon=ft.Icons.LOCK, height=48, on_click=lambda _e: self.app.lock()
        )
        leading = (
            ft.TextButton(
                content="Back",
                icon=ft.Icons.ARROW_BACK,
                height=48,
                on_click=lambda _e: go_back(self.app),
            )
            if back
            else None
        )
        return ft.AppBar(
            title=ft.Text(TITLE),
            actions=[lock],
            leading=leading,
            leading_width=110 if back else None,
            automatically_imply_leading=False,
        )

    def start(self) -> None:
        asked = self.page.route
        self.app.start()
        if asked not in ("", "/", HOME):  # a link into the app: it opens after unlock
            self.app.pending_route = asked
        if self._tick_s:
            self.page.run_task(self._ticker)

    async def _ticker(self) -> None:
        assert self._tick_s is not None
        while True:
            await asyncio.sleep(self._tick_s)
            try:
                self.tick()
            except Exception as exc:  # never let the timer die; never log personal data
                log.error("timer failed: %s", type(exc).__name__)

    def tick(self) -> None:
        self.app.tick()
        if self.app.screen == Screen.UNLOCK and self.view is not None:
            self.view.refresh()  # the wrong-PIN countdown
            self._update()

    # Routes and the view stack
    def _route_changed(self, e: Any) -> None:
        """The browser's back or forward button, or an address typed or followed. The echo of a
        route this app pushed is not a navigation: acting on a late one would step the visit
        back under the practitioner, and then forward again."""
        if e.route in self._in_flight:
            del self._in_flight[: self._in_flight.index(e.route) + 1]
            return
        self._route = e.route
        open_route(self.app, e.route)

    def _view_popped(self, _e: Any) -> None:
        """Android's back gesture or the app bar's back arrow popped the top view."""
        self.top_view = self._new_top_view()  # the client has dropped the old one: push anew
        if not go_back(self.app):
            self._view_key = None
            self.render()

    def _place(self, content: ft.Control) -> None:
        """The screen on the root view, or on a view above it when there is somewhere to go
        back to; the browser's address follows."""
        unlocked = self.app.services is not None
        nav = self.nav if unlocked else None
        route = route_of(self.app)
        if can_go_back(self.app):
            self.root_view.controls, self.root_view.navigation_bar = [], None
            self.top_view.route = route or HOME
            self.top_view.controls, self.top_view.navigation_bar = [content], nav
            self.page.views = [self.root_view, self.top_view]
        else:
            self.top_view.controls, self.top_view.navigation_bar = [], None
            self.root_view.route = route or "/"
            self.root_view.controls, self.root_view.navigation_bar = [content], nav
            self.page.views = [self.root_view]
        if route is not None and route != self._route:
            self._route = route
            self._in_flight = [*self._in_flight[-20:], route]
            self._navigate(route)

    def _disconnected(self) -> None:
        if self.app.services is not None:
            self.app.lock()

    def _tab(self, e: Any) -> None:
        screen = _TABS[int(e.control.selected_index)]
        {
            Screen.CASELOAD: self.app.go_caseload,
            Screen.SYNC: self.app.open_sync,
            Screen.SETTINGS: self.app.open_settings,
        }[screen]()

    # Rendering
    def _build(self) -> tuple[_View, Observable | None]:
        app = self.app
        screen = app.screen
        if screen == Screen.ENROL and app.enrol is not None:
            return EnrolView(app.enrol), app.enrol
        if screen == Screen.CASELOAD and app.caseload is not None:
            return CaseloadView(
                app.caseload,
                on_open=app.open_child,
                drafts=lambda: draft_list(
                    app.drafts_vm, on_open=app.open_draft, on_discard=app.discard_draft
                ),
                escalations=lambda: app.escalations_due,
                on_escalate=app.open_escalation,
            ), app.caseload
        if screen == Screen.CHILD and app.child is not None:
            return ChildView(
                app.child,
                on_back=app.go_caseload,
                draft_offer=lambda: draft_offer(app.drafts_vm),
            ), app.child
        if screen == Screen.VISIT and app.recorder is not None:
            return VisitView(
                app.recorder,
                on_close=app.go_caseload,
                run_task=self.page.run_task,
                on_amend=app.amend_visit,
                on_back=lambda: go_back(app),
            ), app.recorder
        if screen == Screen.SYNC and app.sync is not None:
            return SyncView(
                app.sync, run_in_background=self._background, on_new_code=app.enter_new_code
            ), app.sync
        if screen == Screen.SETTINGS and app.settings is not None:
            return SettingsView(app.settings, on_amend=app.open_amend), app.settings
        if screen == Screen.AMEND and app.amend is not None:
            return AmendView(
                app.amend, on_back=app.open_settings, on_open=app.amend_visit
            ), app.amend
        if screen == Screen.ESCALATION and app.escalation is not None:
            return EscalationView(app.escalation, on_back=app.close_escalation), app.escalation
        return UnlockView(app.unlock, message=app.message), app.unlock

    def _screen_vm(self) -> object:
        app = self.app
        return {
            Screen.ENROL: app.enrol,
            Screen.UNLOCK: app.unlock,
            Screen.CASELOAD: app.caseload,
            Screen.CHILD: app.child,
            Screen.VISIT: app.recorder,
            Screen.SYNC: app.sync,
            Screen.SETTINGS: app.settings,
            Screen.AMEND: app.amend,
            Screen.ESCALATION: app.escalation,
        }[app.screen]

    def render(self) -> None:
        key = (self.app.screen, id(self._screen_vm()))
        if self.view is None or key != self._view_key:
            if self._unsubscribe is not None:
                self._unsubscribe()
            self.view, vm = self._build()
            self._view_key = key
            self._unsubscribe = vm.subscribe(self._refresh) if vm is not None else None
            if self.app.screen in _TABS:
                self.nav.selected_index = _TABS.index(self.app.screen)
        else:
            self.view.refresh()
        self._place(self.view.root)
        self._wrap(self.page)
        self._update()

    def _refresh(self) -> None:
        if self.view is not None:
            self.view.refresh()
            self._place(self.view.root)  # a new step of a visit is a new route
            self._wrap(self.page)
            self._update()

    def _update(self) -> None:
        try:
            self.page.update()
        except RuntimeError as exc:  # no client attached (closing)
            log.info("page update skipped: %s", type(exc).__name__)

    # Activity
    def _wrap(self, page: ft.Page) -> None:
        """Mark the session active before every handler on the page runs."""
        seen: set[int] = set()
        stack: list[Any] = list(page.views)
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            for f in dataclasses.fields(node):
                if f.name.startswith("_") or f.name in ("parent", "page"):
                    continue
                value = getattr(node, f.name, None)
                if f.name.startswith("on_") and callable(value):
                    if not getattr(value, _WRAPPED, False):
                        setattr(node, f.name, self._touching(value))
                elif isinstance(value, ft.BaseControl):
                    stack.append(value)
                elif isinstance(value, list):
                    stack += [v for v in value if isinstance(v, ft.BaseControl)]

    def _touching(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        app = self.app

        def wrapped(e: Any) -> Any:
            app.touch()
            return handler(e)

        setattr(wrapped, _WRAPPED, True)
        return wrapped
