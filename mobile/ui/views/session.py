"""Enrol (first run) and Unlock: render the view-model, forward what is typed and tapped."""

from __future__ import annotations

from typing import Any

import flet as ft

from mobile.ui.viewmodels.enrol import CHOOSING_ADVICE, EnrolStage, EnrolViewModel
from mobile.ui.viewmodels.unlock import UnlockViewModel
from mobile.ui.views.widgets import error_text, heading, hint, primary_button, screen, text_field

__all__ = ["EnrolView", "UnlockView"]


class UnlockView:
    def __init__(self, vm: UnlockViewModel, *, message: str = "") -> None:
        self.vm = vm
        self.secret = text_field(
            "PIN or passphrase",
            vm.secret,
            lambda e: vm.set_secret(e.control.value or ""),
            password=True,
            on_submit=self._unlock,
        )
        self.status = error_text(vm.status())
        self.button = primary_button("Unlock", self._unlock)
        self.root = screen(
            heading("Seen & Heard"),
            hint(message or "Unlock to see your caseload and record visits."),
            self.secret,
            self.button,
            self.status,
        )

    def _unlock(self, _e: Any = None) -> None:
        self.vm.unlock()

    def refresh(self) -> None:
        text = self.vm.status()
        assert isinstance(self.status, ft.Semantics) and isinstance(self.status.content, ft.Text)
        self.status.content.value = text
        self.status.content.visible = self.status.visible = bool(text)
        self.button.disabled = not self.vm.can_try


class EnrolView:
    def __init__(self, vm: EnrolViewModel) -> None:
        self.vm = vm
        self.root = screen()
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        if vm.stage == EnrolStage.DEVICE:
            body = [
                heading(vm.heading),
                hint(vm.guidance),
                text_field(
                    "Server address",
                    vm.server_url,
                    lambda e: vm.set_server_url(e.control.value or ""),
                    keyboard=ft.KeyboardType.URL,
                ),
                text_field(
                    "Enrolment code",
                    vm.code,
                    lambda e: vm.set_code(e.control.value or ""),
                    help_text="Scanning the QR code fills this in on a phone.",
                    on_submit=lambda _e: vm.next(),
                ),
                primary_button("Next", lambda _e: vm.next(), disabled=vm.busy),
            ]
            if vm.on_cancel is not None:
                cancel = vm.on_cancel
                body.append(ft.TextButton(content="Not now", on_click=lambda _e: cancel()))
        else:
            body = [
                heading("Choose a passphrase"),
                hint(CHOOSING_ADVICE),
                text_field(
                    "New passphrase",
                    vm.passphrase,
                    lambda e: vm.set_passphrase(e.control.value or ""),
                    password=True,
                ),
                text_field(
                    "Type it again",
                    vm.confirm,
                    lambda e: vm.set_confirm(e.control.value or ""),
                    password=True,
                    on_submit=lambda _e: vm.enrol(),
                ),
                primary_button("Set up", lambda _e: vm.enrol(), disabled=vm.busy),
                ft.TextButton(content="Back", on_click=lambda _e: vm.back()),
            ]
        self.root.controls = [*body, error_text(vm.error)]
