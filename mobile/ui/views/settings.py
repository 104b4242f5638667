"""Settings (change PIN, lock now, about) and amending a submitted visit."""

from __future__ import annotations

from typing import Any

import flet as ft

from mobile.ui.viewmodels.settings import SettingsViewModel
from mobile.ui.viewmodels.visit.amend import AmendViewModel
from mobile.ui.views.widgets import (
    action_button,
    error_text,
    heading,
    hint,
    primary_button,
    screen,
    text_field,
)

__all__ = ["AmendView", "SettingsView"]


class SettingsView:
    def __init__(self, vm: SettingsViewModel, *, on_amend: Any) -> None:
        self.vm = vm
        self._on_amend = on_amend
        self.root = screen()
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        about = [ft.ListTile(title=k, subtitle=v, dense=True) for k, v in vm.about_lines()]
        self.root.controls = [
            heading("Settings"),
            primary_button("Lock now", lambda _e: vm.lock_now()),
            action_button("Amend a submitted visit", lambda _e: self._on_amend()),
            heading("Change PIN or passphrase", level=2),
            text_field(
                "Current PIN or passphrase",
                vm.old,
                lambda e: vm.set_old(e.control.value or ""),
                password=True,
            ),
            text_field(
                "New PIN or passphrase",
                vm.new,
                lambda e: vm.set_new(e.control.value or ""),
                password=True,
            ),
            text_field(
                "New one again",
                vm.confirm,
                lambda e: vm.set_confirm(e.control.value or ""),
                password=True,
            ),
            action_button("Change PIN", lambda _e: vm.change_passphrase()),
            error_text(vm.error),
            *([ft.Text(vm.message)] if vm.message else []),
            heading("About", level=2),
            *about,
        ]


class AmendView:
    def __init__(self, vm: AmendViewModel, *, on_back: Any, on_open: Any = None) -> None:
        """`on_open(visit_id)`: amend that visit on its own steps (the recording controls)."""
        self.vm = vm
        self._on_back = on_back
        self._on_open = on_open
        self.root = screen()
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        body: list[ft.Control] = [heading("Amend a submitted visit")]
        if vm.visit is None:
            summaries = vm.summaries()
            body.append(
                hint("Choose the visit to correct.") if summaries else hint("No submitted visits.")
            )
            body += [
                ft.ListTile(
                    title=words,
                    on_click=_open(self._on_open, visit_id)
                    if self._on_open
                    else _choose(vm, visit_id),
                )
                for visit_id, words in summaries
            ]
        else:
            body.append(hint("The original stays on record. Change what is wrong and say why."))
            for field in vm.fields():
                body.append(
                    text_field(
                        field.label,
                        vm.edits.get(field.path, field.old),
                        _edit(vm, field.path),
                        multiline=len(field.old) > 40,
                    )
                )
            body += [
                text_field(
                    "Reason for the amendment",
                    vm.reason,
                    lambda e: vm.set_reason(e.control.value or ""),
                    multiline=True,
                ),
                primary_button("Save amendment", lambda _e: vm.save()),
            ]
        body += [
            error_text(vm.error),
            *([ft.Text(vm.message)] if vm.message else []),
            ft.TextButton(content="Back", on_click=lambda _e: self._on_back()),
        ]
        self.root.controls = body


def _open(on_open: Any, visit_id: Any) -> Any:
    return lambda _e: on_open(visit_id)


def _choose(vm: AmendViewModel, visit_id: Any) -> Any:
    return lambda _e: vm.choose(visit_id)


def _edit(vm: AmendViewModel, path: str) -> Any:
    return lambda e: vm.set_field(path, e.control.value or "")
