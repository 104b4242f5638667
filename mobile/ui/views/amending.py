"""Amending from the visit: what was recorded shown beside each answer, and the last step's list
of changes (as recorded, now) with the reason, which is required."""

from __future__ import annotations

from typing import Any

import flet as ft

from mobile.ui.viewmodels.fields import FieldSpec
from mobile.ui.viewmodels.visit.amending import AmendRecorder, words
from mobile.ui.views.widgets import heading, hint, text_field

__all__ = ["amend_review", "beside_recorded"]


def beside_recorded(rec: AmendRecorder, spec: FieldSpec, control: ft.Control) -> ft.Control:
    """The answer now, and under it what the submitted record says, once they differ."""
    was = words(spec, rec.was(spec.path))
    if was == words(spec, rec.value(spec.path)):
        return control
    note = ft.Semantics(
        container=True,
        label=f"{spec.label}: recorded as {was}",
        content=ft.Text(f"Recorded as: {was}", italic=True, size=14),
    )
    return ft.Column([control, note], spacing=2)


def _reason_typed(rec: AmendRecorder) -> Any:
    def changed(e: Any) -> None:
        rec.set_reason(e.control.value or "")
        if not rec.reason_error:
            e.control.error = None  # typing clears the "say why" at once, without a redraw

    return changed


def amend_review(rec: AmendRecorder, *, problems: list[ft.Control]) -> list[ft.Control]:
    if rec.saved:
        return [ft.Text("The amendment is saved. The original is kept beside it.")]
    out: list[ft.Control] = []
    lines = rec.change_lines()
    if lines:
        out.append(heading("What you changed", level=2))
        for line in lines:
            spoken = f"{line.where}. {line.label}: recorded as {line.was}, now {line.now}"
            out.append(
                ft.Semantics(
                    container=True,
                    label=spoken,
                    content=ft.Column(
                        [
                            ft.Text(f"{line.where}: {line.label}", weight=ft.FontWeight.BOLD),
                            ft.Text(f"Recorded as: {line.was}"),
                            ft.Text(f"Now: {line.now}"),
                        ],
                        spacing=2,
                    ),
                )
            )
    else:
        out.append(hint("Nothing changed yet: go back to a step and change an answer."))
    out += problems
    out.append(
        text_field(
            "Why you are amending it",
            rec.reason,
            _reason_typed(rec),
            multiline=True,
            error=rec.reason_error or None,
            help_text="Required: it is kept with the amendment, beside the original.",
        )
    )
    return out
