"""A typed date or time with a button that opens the calendar or the clock: typing still works
(the fastest way for many), and the picker starts at the value typed, else today or now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import flet as ft

from mobile.ui.viewmodels.visit.paths import PathError, parse_date, parse_time

__all__ = ["date_or_time"]


def _typed_date(text: str) -> date | None:
    try:
        return parse_date(text) if text.strip() else None
    except PathError:
        return None


def _typed_time(text: str) -> time | None:
    try:
        return parse_time(text) if text.strip() else None
    except PathError:
        return None


def date_or_time(
    field: ft.TextField, *, is_time: bool, on_pick: Callable[[str], None]
) -> ft.Control:
    """`field` beside its picker button; a pick is written as if typed ("02/03/2026", "14:30")."""
    field.expand = True

    def picked(e: Any) -> None:
        value = e.control.value
        if value is not None:
            on_pick(f"{value:%H:%M}" if is_time else f"{value:%d/%m/%Y}")

    def open_picker(e: Any) -> None:
        text = str(field.value or "")
        picker: ft.DialogControl
        if is_time:
            picker = ft.TimePicker(
                value=_typed_time(text) or datetime.now().time().replace(second=0, microsecond=0),
                on_change=picked,
                help_text=field.label if isinstance(field.label, str) else None,
            )
        else:
            day = _typed_date(text) or date.today()
            picker = ft.DatePicker(
                value=datetime.combine(day, time(12, 0)),
                first_date=datetime(day.year - 20, 1, 1),
                last_date=datetime(day.year + 5, 12, 31),
                on_change=picked,
                help_text=field.label if isinstance(field.label, str) else None,
            )
        e.control.page.show_dialog(picker)

    words = "Choose time" if is_time else "Choose date"
    icon = ft.Icons.SCHEDULE if is_time else ft.Icons.CALENDAR_MONTH
    button = ft.TextButton(content=words, icon=icon, on_click=open_picker, height=48)
    return ft.Row([field, button], vertical_alignment=ft.CrossAxisAlignment.START)
