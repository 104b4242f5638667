"""Record an escalation: the visits waiting for one, and the form. Every control has its words as
its accessible name; buttons are 48 px high (widgets.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from mobile.ui.viewmodels.escalation import EscalationViewModel
from mobile.ui.views.widgets import (
    choice,
    error_text,
    heading,
    hint,
    primary_button,
    screen,
    text_field,
)

__all__ = ["EscalationView", "escalation_view"]


class EscalationView:
    """The form as a screen of the app: redrawn from the view-model, with a way back."""

    def __init__(self, vm: EscalationViewModel, *, on_back: Callable[[], None]) -> None:
        self.vm = vm
        self._on_back = on_back
        self.root = screen()
        self.refresh()

    def refresh(self) -> None:
        back = ft.TextButton(content="Back", on_click=lambda _e: self._on_back(), height=48)
        self.root.controls = [*escalation_view(self.vm).controls, back]


def escalation_view(vm: EscalationViewModel) -> ft.Column:
    def pick(visit_id: Any) -> Any:
        return lambda _e: vm.start(visit_id)

    due: list[ft.Control] = [
        ft.Column([ft.Text(line.text), primary_button(line.action, pick(line.visit_id))], spacing=6)
        for line in vm.due
    ]
    parts: list[ft.Control] = [
        heading("Record an escalation"),
        hint("Who you told about a visit, how, when, and what they said."),
        error_text(vm.error),
        *([ft.Semantics(live_region=True, content=ft.Text(vm.message))] if vm.message else []),
        *due,
    ]
    if vm.visit_id is not None:
        errors = vm.field_errors
        parts += [
            text_field(
                "Who you told",
                vm.to_whom,
                lambda e: vm.set("to_whom", e.control.value),
                error=errors.get("to_whom"),
                help_text="For example: my team manager",
            ),
            choice(
                "How you told them",
                vm.how or None,
                vm.how_choices,
                lambda value: vm.set("how", value),
            ),
            error_text(errors.get("how", "")),
            text_field(
                "When (hours and minutes, like 16:10)",
                vm.when,
                lambda e: vm.set("when", e.control.value),
                error=errors.get("when"),
                help_text="Leave empty for now",
            ),
            text_field(
                "What they said or did",
                vm.response,
                lambda e: vm.set("response", e.control.value),
                multiline=True,
                error=errors.get("response"),
            ),
            primary_button("Save escalation", lambda _e: vm.save()),
        ]
    return screen(*parts)
