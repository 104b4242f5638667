"""Recording a visit: one page of the journey at a time, drawn from the recorder's field specs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import flet as ft

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, Page
from mobile.ui.viewmodels.visit.amending import AmendRecorder
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
from mobile.ui.views.amending import amend_review
from mobile.ui.views.amending import beside_recorded as _beside_recorded
from mobile.ui.views.pickers import date_or_time
from mobile.ui.views.widgets import (
    action_button,
    choice,
    error_text,
    heading,
    hint,
    multi_choice,
    primary_button,
    screen,
    text_field,
)
from models.rules import Problem

__all__ = ["VisitView"]

log = logging.getLogger(__name__)
# Flet keeps one registry of scroll keys for the whole app: the visit's fields have their own prefix.
_KEY = "visit-field:"
_NOT_ANSWERS = {FieldKind.HEADER, FieldKind.HINT, FieldKind.WARNING, FieldKind.ACTION}
_TYPED = {FieldKind.TEXT, FieldKind.MULTILINE, FieldKind.DATE, FieldKind.TIME}


Runner = Callable[[Callable[[], Awaitable[None]]], object]


class VisitView:
    def __init__(
        self,
        rec: VisitRecorder,
        *,
        on_close: Callable[[], None],
        run_task: Runner | None = None,
        on_amend: Callable[[UUID], None] | None = None,
        on_back: Callable[[], object] | None = None,
    ) -> None:
        """`run_task` runs the scroll to (and focus on) the field a problem's link lands on:
        the page's own run_task; without it the view only marks where it would land.
        `on_back`: the previous step, or from the first step the screen it was started from."""
        self.rec = rec
        self._on_close = on_close
        self._run_task = run_task
        self._on_amend = on_amend
        self._on_back = on_back or rec.back
        self.root = ft.Column(expand=True)
        self._shown: Page | None = None
        self.landed: ft.Control | None = None  # the control the last link landed on
        self.refresh()

    def _new_step(self) -> None:
        """Each step starts at its top: a new scrolling column (a new scroll position)."""
        self.title = heading(self.rec.title)
        self.progress = ft.Text("")
        self.problems = ft.Column(spacing=4)
        self.body = ft.Column(spacing=14)
        self.nav = ft.Row(spacing=8, alignment=ft.MainAxisAlignment.SPACE_BETWEEN)
        self.status = ft.Column()
        self.scroller = screen(self.title, self.progress, self.problems, self.body, self.status)
        bar = ft.Container(self.nav, padding=ft.Padding.only(top=8))  # fixed: outside the scroll
        self.root.controls = [self.scroller, bar]
        self._shown = self.rec.page

    def refresh(self) -> None:
        rec = self.rec
        if rec.page != self._shown:
            self._new_step()
        assert isinstance(self.title, ft.Semantics) and isinstance(self.title.content, ft.Text)
        self.title.content.value = rec.title
        self.progress.value = rec.progress_text
        if rec.page.is_review:
            self.problems.controls = []
            self.body.controls = self._review()
        else:
            self.problems.controls = self._page_problems()
            self.body.controls = [self._keyed(spec) for spec in rec.fields()]
            self._land()
        status: list[ft.Control] = []
        if rec.error:
            status.append(error_text(rec.error))
        if rec.message:
            status.append(ft.Text(rec.message))
        self.status.controls = status
        self.nav.controls = self._nav()

    # Pieces
    def _page_problems(self) -> list[ft.Control]:
        problems = self.rec.page_problems()
        if not problems:
            return []
        return [
            ft.Text("Still needed here:", weight=ft.FontWeight.BOLD),
            *[ft.Text(f"• {p.message}", color=ft.Colors.RED_900) for p in problems],
        ]

    def _keyed(self, spec: FieldSpec) -> ft.Control:
        """Each field carries its path as a scroll key: a problem's link lands on it."""
        control = self._field(spec)
        if isinstance(self.rec, AmendRecorder) and spec.kind not in _NOT_ANSWERS:
            control = _beside_recorded(self.rec, spec, control)
        control.key = ft.ScrollKey(_KEY + spec.path)  # type: ignore[call-arg]  # flet's lazy dataclass
        return control

    def _land(self) -> None:
        """After a problem's link: scroll the field into view and, if typed, put the cursor
        in it. The recorder's `landing` is consumed here, once."""
        path, self.rec.landing = self.rec.landing, None
        if path is None:
            return
        target = next(
            (
                c
                for c in self.body.controls
                if isinstance(c.key, ft.ScrollKey) and c.key.value == _KEY + path
            ),
            None,
        )
        typed = _typed_in(target)  # a date or time field sits in a row beside its picker
        self.landed = typed or target
        if target is None or self._run_task is None:
            return
        scroller = self.scroller

        async def go() -> None:
            await asyncio.sleep(0.2)  # the new step is drawn first
            try:
                await scroller.scroll_to(scroll_key=_KEY + path, duration=300)
                if typed is not None:
                    await typed.focus()  # type: ignore[no-untyped-call]
            except Exception as exc:  # the step stays usable where it is; say only the type
                log.info("landing on a field failed: %s", type(exc).__name__)

        self._run_task(go)

    def _review(self) -> list[ft.Control]:
        rec = self.rec
        if isinstance(rec, AmendRecorder):
            return amend_review(rec, problems=self._review_problems())
        if rec.locked:
            return [ft.Text("This visit is submitted and locked.")]
        check = rec.check_result
        if check is None:
            return [
                error_text("The record could not be checked. Your answers are kept."),
                primary_button("Check again", lambda _e: rec.retry_check()),
            ]
        out = self._review_problems()
        out.append(heading("What submitting will lock", level=2))
        for line in rec.summary():
            out.append(
                ft.Semantics(
                    container=True,
                    label=f"{line.heading}: {line.text}",
                    content=ft.Column(
                        [ft.Text(line.heading, weight=ft.FontWeight.BOLD), ft.Text(line.text)],
                        spacing=2,
                    ),
                )
            )
        if check.ok:
            out.append(hint("Once submitted it cannot be changed, only amended with a reason."))
        return out

    def _review_problems(self) -> list[ft.Control]:
        """What is still needed, grouped by child and step, each a link to its field."""
        check = self.rec.check_result
        if check is None:
            return [
                error_text("The record could not be checked. Your answers are kept."),
                primary_button("Check again", lambda _e: self.rec.retry_check()),
            ]
        if check.ok:
            return [ft.Text("Everything needed is here.", weight=ft.FontWeight.BOLD)]
        count = len(check.problems)
        out: list[ft.Control] = [
            ft.Text(
                f"{count} {'thing' if count == 1 else 'things'} still needed, most "
                "important first. Tap one to go to where it is answered.",
                weight=ft.FontWeight.BOLD,
            )
        ]
        for group in self.rec.problem_groups():
            out.append(heading(group.title, level=2))
            out += [self._problem_tile(p) for p in group.problems]
        return out

    def _problem_tile(self, problem: Problem) -> ft.Control:
        return ft.ListTile(
            title=problem.message,
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_900),
            on_click=lambda _e: self.rec.fix(problem),
            min_height=48,
        )

    def _nav(self) -> list[ft.Control]:
        rec = self.rec
        out: list[ft.Control] = []
        if rec.locked:
            out = [primary_button("Back to caseload", self._close)]
            if self._on_amend is not None:
                amend, visit_id = self._on_amend, rec.visit.visit_id
                out.append(action_button("Amend this visit", lambda _e: amend(visit_id)))
            return out
        out.append(action_button("Back", lambda _e: self._on_back(), icon=ft.Icons.ARROW_BACK))
        close = "Cancel amendment" if rec.amending else "Save and close"
        out.append(ft.TextButton(content=close, on_click=self._close, height=48))
        if rec.page.is_review:
            words = "Save amendment" if rec.amending else "Submit visit"
            out.append(primary_button(words, lambda _e: rec.submit()))
        else:
            out.append(primary_button("Continue", lambda _e: rec.next()))
        return out

    def _close(self, _e: Any) -> None:
        self.rec.save()
        self._on_close()

    def _field(self, spec: FieldSpec) -> ft.Control:
        rec = self.rec
        kind = spec.kind
        if kind == FieldKind.HEADER:
            return heading(spec.label, level=2)
        if kind == FieldKind.HINT:
            return hint(spec.label)
        if kind == FieldKind.WARNING:
            return _warning(spec.label)
        if kind == FieldKind.ACTION:
            return action_button(spec.label, lambda _e: rec.act(spec.path))
        value = rec.value(spec.path)
        if kind in (FieldKind.CHOICE, FieldKind.YES_NO):
            return choice(
                spec.label,
                value if isinstance(value, str) else None,
                spec.choices,
                lambda v: rec.set(spec.path, v, kind),
                help_text=spec.help,
            )
        if kind == FieldKind.MULTI:
            return multi_choice(
                spec.label,
                value if isinstance(value, list) else [],
                spec.choices,
                lambda v: rec.set(spec.path, v, kind),
                help_text=spec.help,
            )
        return self._typed(spec, value if isinstance(value, str) else "")

    def _typed(self, spec: FieldSpec, value: str) -> ft.Control:
        rec = self.rec
        help_text = spec.help or {
            FieldKind.DATE: "For example 02/03/2026",
            FieldKind.TIME: "For example 14:30",
        }.get(spec.kind, "")

        def changed(e: Any) -> None:
            rec.set(spec.path, e.control.value or "", spec.kind)
            if spec.path not in rec.field_errors:
                e.control.error = None

        def left(e: Any) -> None:
            e.control.error = rec.field_errors.get(spec.path)

        timed = spec.kind in (FieldKind.DATE, FieldKind.TIME)
        field = text_field(
            spec.label,
            value,
            changed,
            multiline=spec.kind == FieldKind.MULTILINE,
            error=rec.field_errors.get(spec.path),
            help_text=help_text,
            on_blur=left,
            keyboard=ft.KeyboardType.DATETIME if timed else None,
        )
        if not timed:
            return field
        return date_or_time(
            field,
            is_time=spec.kind == FieldKind.TIME,
            on_pick=lambda text: rec.set(spec.path, text),  # redrawn: the field shows the pick
        )


def _warning(text: str) -> ft.Control:
    """Something to stop at, in words: a live region, so a screen reader says it at once."""
    return ft.Semantics(
        live_region=True,
        label=text,
        container=True,
        content=ft.Container(
            ft.Row(
                [
                    ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.RED_900),
                    ft.Text(text, color=ft.Colors.RED_900, size=15, expand=True),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            bgcolor=ft.Colors.RED_50,
            border=ft.Border.all(1, ft.Colors.RED_900),
            border_radius=8,
            padding=12,
        ),
    )


def _typed_in(control: ft.Control | None) -> ft.TextField | None:
    """The text field a keyed control is, or holds (a row of a field and its picker)."""
    if isinstance(control, ft.TextField):
        return control
    inner = getattr(control, "controls", None) or []
    return next((c for c in inner if isinstance(c, ft.TextField)), None)
