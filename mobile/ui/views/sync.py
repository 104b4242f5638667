"""Sync: the button, progress, and each record's state in words."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from mobile.ui.viewmodels.sync import SyncViewModel
from mobile.ui.views.widgets import heading, hint, primary_button, screen

__all__ = ["SyncView"]


class SyncView:
    def __init__(
        self,
        vm: SyncViewModel,
        *,
        run_in_background: Callable[[Callable[[], None]], None],
        on_new_code: Callable[[], None] | None = None,
    ) -> None:
        self.vm = vm
        self._background = run_in_background
        self.button = primary_button("Sync now", lambda _e: self._background(vm.sync_now))
        self.new_code = primary_button(
            "Enter a new enrolment code", lambda _e: on_new_code() if on_new_code else None
        )
        self.bar = ft.ProgressBar(visible=False, semantics_label="Sync in progress")
        self.summary = ft.Semantics(live_region=True, content=ft.Text(""))
        self.last = hint("")
        self.records = ft.Column(spacing=0)
        self.earlier = hint("")
        self.root = screen(
            heading("Sync"),
            self.new_code,
            self.button,
            self.bar,
            self.summary,
            self.last,
            self.records,
            self.earlier,
        )
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        self.button.disabled = vm.running
        self.new_code.visible = vm.needs_new_code
        self.bar.visible = vm.running
        assert isinstance(self.summary.content, ft.Text)
        self.summary.content.value = vm.summary()
        self.last.value = vm.last_sync_text()
        self.earlier.value = vm.earlier_text()
        self.earlier.visible = bool(self.earlier.value)
        self.records.controls = [
            ft.ListTile(
                title=line.title,
                subtitle="\n".join(part for part in (
                    line.saved,
                    f"{line.status}. {line.detail}" if line.detail else line.status,
                    line.attempts,
                ) if part),
                leading=ft.Icon(
                    ft.Icons.ERROR_OUTLINE if line.needs_attention else ft.Icons.CLOUD_DONE
                    if line.status == "Acknowledged" else ft.Icons.CLOUD_UPLOAD,
                    color=ft.Colors.RED_900 if line.needs_attention else None,
                ),
                is_three_line=True,
            )
            for line in vm.lines()
        ]  # fmt: skip
