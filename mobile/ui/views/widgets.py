"""Small builders every screen uses, so each control gets an accessible name the same way.

Flet's Dropdown has no accessible name in the browser, so choices are radio buttons: a short list
inline, a long one inside a tile that opens ("What the visit was for: Statutory visit").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

__all__ = [
    "action_button",
    "choice",
    "error_text",
    "heading",
    "hint",
    "multi_choice",
    "primary_button",
    "screen",
    "text_field",
]

Handler = Callable[[Any], Any]
INLINE_CHOICES = 4  # up to this many options sit in a row; more open from a tile
ERROR_COLOUR = ft.Colors.RED_900


def heading(text: str, *, level: int = 1) -> ft.Control:
    size = {1: 22, 2: 18}.get(level, 16)
    return ft.Semantics(
        header=True,
        heading_level=level,
        content=ft.Text(text, size=size, weight=ft.FontWeight.BOLD),
    )


def hint(text: str) -> ft.Text:
    return ft.Text(text, size=14, color=ft.Colors.ON_SURFACE_VARIANT)


def error_text(text: str) -> ft.Control:
    """An error in plain words; a live region so a screen reader announces it."""
    return ft.Semantics(
        live_region=True,
        content=ft.Text(text, color=ERROR_COLOUR, size=15, visible=bool(text)),
        visible=bool(text),
    )


def text_field(
    label: str,
    value: str,
    on_change: Handler,
    *,
    password: bool = False,
    multiline: bool = False,
    error: str | None = None,
    help_text: str = "",
    on_submit: Handler | None = None,
    on_blur: Handler | None = None,
    keyboard: ft.KeyboardType | None = None,
) -> ft.TextField:
    field = ft.TextField(
        label=label,
        value=value,
        on_change=on_change,
        on_submit=on_submit,
        on_blur=on_blur,
        password=password,
        multiline=multiline,
        min_lines=3 if multiline else None,
        max_lines=8 if multiline else 1,
        error=error or None,
        helper=help_text or None,
        helper_max_lines=4,  # help and errors wrap: one line was cut at 300 px
        error_max_lines=4,
        keyboard_type=keyboard
        or (ft.KeyboardType.MULTILINE if multiline else ft.KeyboardType.TEXT),
        autocorrect=not password,
        enable_suggestions=not password,
    )
    if password:
        field.suffix_icon = _reveal_button(field)
    return field


def _reveal_button(field: ft.TextField) -> ft.TextButton:
    """Show or hide what is typed: a button named by its words (Flet's own reveal icon, and an
    icon's tooltip, name nothing in the browser)."""
    button = ft.TextButton(content="Show", icon=ft.Icons.VISIBILITY, height=48)

    def toggle(_e: Any) -> None:
        field.password = not field.password
        button.content = "Show" if field.password else "Hide"
        button.icon = ft.Icons.VISIBILITY if field.password else ft.Icons.VISIBILITY_OFF

    button.on_click = toggle
    return button


def choice(
    label: str,
    value: str | None,
    options: Sequence[tuple[str, str]],
    on_change: Callable[[str], None],
    *,
    help_text: str = "",
    compact: bool = False,
) -> ft.Control:
    """One of several; the group carries the question as its accessible name. `compact` always
    folds the options into a tile."""
    radios: list[ft.Control] = [
        ft.Container(ft.Radio(value=code, label=words), height=48)  # a 48 px row to tap
        for code, words in options
    ]
    group = ft.RadioGroup(
        value=value,
        on_change=lambda e: on_change(e.control.value or ""),
        content=ft.Row(radios, wrap=True)
        if len(options) <= INLINE_CHOICES and not compact
        else ft.Column(radios, spacing=0),
    )
    current = next((words for code, words in options if code == value), "not answered")
    if len(options) <= INLINE_CHOICES and not compact:
        body: ft.Control = ft.Column(
            [ft.Text(label, size=16), group, *([hint(help_text)] if help_text else [])],
            spacing=2,
        )
    else:
        body = ft.ExpansionTile(
            title=f"{label} {current}" if label.endswith("?") else f"{label}: {current}",
            subtitle=help_text or None,
            controls=[group],
            tile_padding=ft.Padding.symmetric(horizontal=0),
        )
    return ft.Semantics(label=label, container=True, content=body)


def multi_choice(
    label: str,
    values: Sequence[str],
    options: Sequence[tuple[str, str]],
    on_change: Callable[[list[str]], None],
    *,
    help_text: str = "",
) -> ft.Control:
    chosen = set(values)

    def toggle(code: str) -> Handler:
        def handler(e: Any) -> None:
            now = set(chosen)
            if e.control.value:
                now.add(code)
            else:
                now.discard(code)
            on_change([c for c, _ in options if c in now])

        return handler

    boxes: list[ft.Control] = [
        ft.Container(
            ft.Checkbox(label=words, value=code in chosen, on_change=toggle(code)), height=48
        )
        for code, words in options
    ]
    extra = [hint(help_text)] if help_text else []
    return ft.Semantics(
        label=label,
        container=True,
        content=ft.Column([ft.Text(label, size=16), *extra, *boxes], spacing=0),
    )


def primary_button(text: str, on_click: Handler, *, disabled: bool = False) -> ft.Control:
    return ft.FilledButton(content=text, on_click=on_click, disabled=disabled, height=48)


def action_button(text: str, on_click: Handler, *, icon: Any = None) -> ft.Control:
    return ft.OutlinedButton(content=text, on_click=on_click, icon=icon, height=48)


def screen(*controls: ft.Control) -> ft.Column:
    """A phone-width, scrolling column of a screen's content."""
    return ft.Column(
        list(controls),
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,  # fields fill the width
    )
