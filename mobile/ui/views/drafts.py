"""Drafts on screen: the caseload's list (carry on, or discard after a confirmation) and, on a
child's screen, the offer to resume or discard the household's draft before starting another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import flet as ft

from mobile.ui.viewmodels.drafts import DraftLine, DraftsViewModel
from mobile.ui.views.widgets import action_button, error_text, heading, primary_button

__all__ = ["draft_list", "draft_offer"]

_DISCARD_WARNING = "Discard this draft? Everything in it is deleted from this device."


def _on(fn: Callable[[UUID], object], visit_id: UUID) -> Callable[[Any], None]:
    def handler(_e: Any) -> None:
        fn(visit_id)

    return handler


def _confirm(
    line: DraftLine, on_yes: Callable[[Any], None], on_no: Callable[[Any], None]
) -> list[ft.Control]:
    return [
        ft.Semantics(
            live_region=True,
            container=True,
            label=f"{_DISCARD_WARNING} {line.text}",
            content=ft.Text(_DISCARD_WARNING, weight=ft.FontWeight.BOLD),
        ),
        ft.Row(
            [primary_button("Yes, discard it", on_yes), action_button("Keep it", on_no)],
            wrap=True,
        ),
    ]


def draft_list(
    vm: DraftsViewModel | None,
    *,
    on_open: Callable[[UUID], None],
    on_discard: Callable[[UUID], None],
) -> list[ft.Control]:
    """Each draft: carry on with it, or discard it (confirmed)."""
    if vm is None or not (vm.drafts or vm.message or vm.error):
        return []
    out: list[ft.Control] = [heading("Carry on recording", level=2)] if vm.drafts else []
    for line in vm.lines():
        out.append(action_button(line.text, _on(on_open, line.visit_id)))
        if vm.confirming_discard == line.visit_id:
            out += _confirm(line, _on(on_discard, line.visit_id), lambda _e: vm.cancel_discard())
        else:
            out.append(
                ft.TextButton(
                    content=f"Discard draft ({line.text})",
                    on_click=_on(vm.ask_discard, line.visit_id),
                    height=48,
                )
            )
    if vm.message:
        out.append(ft.Text(vm.message))
    if vm.error:
        out.append(error_text(vm.error))
    return out


def draft_offer(vm: DraftsViewModel | None) -> list[ft.Control]:
    """Starting a visit where the household has a draft: resume it, discard it (confirmed) and
    start again, or start another as well."""
    offer = vm.offer if vm is not None else None
    if vm is None or offer is None:
        return []
    line = offer.draft
    out: list[ft.Control] = [
        ft.Semantics(
            live_region=True,
            container=True,
            label=f"There is already a draft for this household. {line.text}",
            content=ft.Column(
                [
                    ft.Text(
                        "There is already a draft for this household.", weight=ft.FontWeight.BOLD
                    ),
                    ft.Text(line.text),
                ],
                spacing=2,
            ),
        ),
        primary_button("Carry on with the draft", lambda _e: vm.resume_offered()),
    ]
    if vm.confirming_discard == line.visit_id:
        out += _confirm(line, lambda _e: vm.discard_offered(), lambda _e: vm.cancel_discard())
    else:
        out.append(
            action_button("Discard it and start again", lambda _e: vm.ask_discard(line.visit_id))
        )
    out.append(
        ft.TextButton(
            content="Start another visit as well", on_click=lambda _e: vm.start_another(), height=48
        )
    )
    if vm.error:
        out.append(error_text(vm.error))
    return out
