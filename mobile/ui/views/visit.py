"""Recording a visit: one page of the journey at a time, drawn from the recorder's field specs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, Page
from mobile.ui.viewmodels.visit.recorder import VisitRecorder
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

_TYPED = {FieldKind.TEXT, FieldKind.MULTILINE, FieldKind.DATE, FieldKind.TIME}


class VisitView:
    def __init__(
        self,
        rec: VisitRecorder,
        *,
        on_close: Callable[[], None],
        on_back: Callable[[], object] | None = None,
    ) -> None:
        """`on_back`: the previous step, or from the first step the screen it was started from."""
        self.rec = rec
        self._on_close = on_close
        self._on_back = on_back or rec.back
        self.root = ft.Column(expand=True)
        self._shown: Page | None = None
        self.refresh()

    def _new_step(self) -> None:
        """Each step starts at its top: a new scrolling column (a new scroll position)."""
        self.title = heading(self.rec.title)
        self.progress = ft.Text("")
        self.problems = ft.Column(spacing=4)
        self.body = ft.Column(spacing=14)
        self.nav = ft.Row(spacing=8, alignment=ft.MainAxisAlignment.SPACE_BETWEEN)
        self.status = ft.Column()
        bar = ft.Container(self.nav, padding=ft.Padding.only(top=8))  # fixed: outside the scroll
        self.root.controls = [
            screen(self.title, self.progress, self.problems, self.body, self.status),
            bar,
        ]
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
            self.body.controls = [self._field(spec) for spec in rec.fields()]
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

    def _review(self) -> list[ft.Control]:
        rec = self.rec
        if rec.locked:
            return [ft.Text("This visit is submitted and locked.")]
        check = rec.check_result
        if check is None:
            return [hint("The record could not be checked: try again.")]
        if check.ok:
            return [ft.Text("Everything needed is here. Submit to lock the record.")]
        count = len(check.problems)
        return [
            ft.Text(
                f"{count} {'thing' if count == 1 else 'things'} still needed. "
                "Tap one to go to where it is answered.",
                weight=ft.FontWeight.BOLD,
            ),
            *[self._problem_tile(p) for p in check.problems],
        ]

    def _problem_tile(self, problem: Problem) -> ft.Control:
        return ft.ListTile(
            title=problem.message,
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_900),
            on_click=lambda _e: self.rec.fix(problem),
        )

    def _nav(self) -> list[ft.Control]:
        rec = self.rec
        out: list[ft.Control] = []
        if rec.locked:
            return [primary_button("Back to caseload", self._close)]
        out.append(action_button("Back", lambda _e: self._on_back(), icon=ft.Icons.ARROW_BACK))
        out.append(ft.TextButton(content="Save and close", on_click=self._close, height=48))
        if rec.page.is_review:
            out.append(primary_button("Submit visit", lambda _e: rec.submit()))
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
