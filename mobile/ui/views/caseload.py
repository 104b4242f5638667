"""The caseload (search, filter, sort, drafts) and one child (concerns, start a visit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import flet as ft

from mobile.services.shapes import CaseloadRow
from mobile.ui.viewmodels.caseload import (
    FILTER_WORDS,
    SORT_WORDS,
    CaseloadViewModel,
    row_text,
)
from mobile.ui.viewmodels.child import ChildViewModel, ConcernLine, FlagLine
from mobile.ui.viewmodels.escalation import DueLine
from mobile.ui.views.task_done import task_to_finish
from mobile.ui.views.widgets import (
    action_button,
    choice,
    error_text,
    heading,
    hint,
    primary_button,
    screen,
    text_field,
)

__all__ = ["CaseloadView", "ChildView"]

SHOWN_AT_ONCE = 60  # rows drawn at once; the search narrows the rest


def _call(fn: Callable[[UUID], object], arg: UUID) -> Callable[[Any], None]:
    def handler(_e: Any) -> None:
        fn(arg)

    return handler


def _typed(fn: Callable[[UUID, str], object], arg: UUID) -> Callable[[Any], None]:
    def handler(e: Any) -> None:
        fn(arg, e.control.value or "")

    return handler


def _ticked(fn: Callable[[UUID, bool], object], arg: UUID) -> Callable[[Any], None]:
    def handler(e: Any) -> None:
        fn(arg, bool(e.control.value))

    return handler


def flag_card(line: FlagLine) -> ft.Control:
    """One flag: its urgency in words and an icon (never colour alone), read as one by a screen
    reader."""
    icon = ft.Icons.ERROR if line.urgent else ft.Icons.WARNING_AMBER
    return ft.Semantics(
        container=True,
        label=line.spoken,
        content=ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(icon, color=ft.Colors.RED_900 if line.urgent else None),
                        ft.Text(line.title, weight=ft.FontWeight.BOLD, size=16, expand=True),
                    ]
                ),
                *[ft.Text(text) for text in line.lines],
            ],
            spacing=4,
        ),
    )


def prompts(lines: list[DueLine], on_escalate: Callable[[UUID], None]) -> list[ft.Control]:
    """Visits that need an escalation recorded: the prompt in plain words, and its button."""
    if not lines:
        return []
    out: list[ft.Control] = [heading("Tell your manager", level=2)]
    for line in lines:
        out += [ft.Text(line.text), primary_button(line.action, _call(on_escalate, line.visit_id))]
    return out


def _row_tile(row: CaseloadRow, on_open: Callable[[UUID], None]) -> ft.Control:
    words = row_text(row)
    lines = [words.seen, words.due]
    extra = ", ".join(
        [*([words.task] if words.task else []), *words.flags,
         *([words.unsynced] if words.unsynced else [])]
    )  # fmt: skip
    return ft.ListTile(
        title=words.title,
        subtitle=" · ".join(lines) + (f"\n{extra}" if extra else ""),
        is_three_line=bool(extra),
        leading=ft.Icon(
            ft.Icons.WARNING_AMBER if words.overdue else ft.Icons.CHILD_CARE,
            color=ft.Colors.RED_900 if words.overdue else None,
        ),
        on_click=lambda _e: on_open(row.child_id),
    )


def concern_to_acknowledge(vm: ChildViewModel, line: ConcernLine) -> list[ft.Control]:
    """A concern waiting: what was done (required), then a confirmation before it is sent."""
    cid = line.concern_id
    out: list[ft.Control] = [
        heading("Concern to acknowledge", level=2),
        ft.Text(line.text),
        text_field(
            "What you did about it",
            vm.action_taken.get(cid, ""),
            _typed(vm.set_action_taken, cid),
            multiline=True,
            error=vm.action_errors.get(cid),
            help_text="Required: for example who you phoned and when.",
        ),
    ]
    if vm.confirming != cid:
        out.append(primary_button("Acknowledge concern", _call(vm.ask_acknowledge, cid)))
        return out
    out.append(
        ft.Semantics(
            live_region=True,
            container=True,
            label="Acknowledge this concern? It is recorded as acknowledged by you, now.",
            content=ft.Text(
                "Acknowledge this concern? It is recorded as acknowledged by you, now.",
                weight=ft.FontWeight.BOLD,
            ),
        )
    )
    out.append(
        ft.Row(
            [
                primary_button("Yes, acknowledge", _call(vm.acknowledge, cid)),
                action_button("Not yet", lambda _e: vm.cancel_acknowledge()),
            ],
            wrap=True,
        )
    )
    return out


def _restriction(text: str) -> ft.Control:
    """A restriction stands out by its icon and words, never colour alone."""
    return ft.Semantics(
        container=True,
        label=text,
        content=ft.Row(
            [ft.Icon(ft.Icons.BLOCK, color=ft.Colors.RED_900), ft.Text(text, expand=True)],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
    )


class CaseloadView:
    def __init__(
        self,
        vm: CaseloadViewModel,
        *,
        on_open: Callable[[UUID], None],
        drafts: Callable[[], list[ft.Control]],
        escalations: Callable[[], list[DueLine]] = list,
        on_escalate: Callable[[UUID], None] = lambda _v: None,
    ) -> None:
        self.vm = vm
        self._escalations = escalations
        self._on_escalate = on_escalate
        self._on_open = on_open
        self._drafts = drafts
        self.search = text_field(
            "Search by name", vm.query, lambda e: vm.set_query(e.control.value or "")
        )
        self.summary = ft.Text("")
        self.drafts_box = ft.Column(spacing=4)
        self.prompts = ft.Column(spacing=6)
        self.filters = ft.Column()
        self.rows = ft.Column(spacing=0)
        self.error = ft.Column()
        self.root = screen(
            heading("Caseload"),
            self.prompts,
            self.drafts_box,
            self.search,
            self.filters,
            self.summary,
            self.error,
            self.rows,
        )
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        self.filters.controls = [
            choice(
                "Show",
                vm.filter.value,
                [(k.value, w) for k, w in FILTER_WORDS.items()],
                vm.set_filter,
                compact=True,
            ),
            choice(
                "Order",
                vm.sort.value,
                [(k.value, w) for k, w in SORT_WORDS.items()],
                vm.set_sort,
                compact=True,
            ),
        ]
        visible = vm.visible()
        self.summary.value = vm.summary()
        tiles = [_row_tile(r, self._on_open) for r in visible[:SHOWN_AT_ONCE]]
        if len(visible) > SHOWN_AT_ONCE:
            tiles.append(hint(f"{len(visible) - SHOWN_AT_ONCE} more: search to find them."))
        self.rows.controls = tiles
        self.error.controls = [error_text(vm.error)] if vm.error else []
        self.prompts.controls = prompts(self._escalations(), self._on_escalate)
        self.drafts_box.controls = self._drafts()


class ChildView:
    def __init__(
        self,
        vm: ChildViewModel,
        *,
        on_back: Callable[[], None],
        draft_offer: Callable[[], list[ft.Control]] = list,
    ) -> None:
        """`draft_offer`: where starting a visit found the household's draft, what to do."""
        self.vm = vm
        self._on_back = on_back
        self._draft_offer = draft_offer
        self.root = screen()
        self.refresh()

    def refresh(self) -> None:
        vm = self.vm
        words = row_text(vm.row)
        body: list[ft.Control] = [
            heading(words.title),
            ft.Text(f"{words.seen}. {words.due}."),
        ]
        flags = vm.flags()
        device_flags = words.flags[1:] if flags else words.flags  # the first is the top flag
        if device_flags:
            body.append(ft.Text("On this device: " + ", ".join(device_flags)))
        if vm.address:
            body.append(hint(vm.address))
        body += prompts(vm.escalations_due, vm.escalate)
        tasks = vm.task_lines()
        if tasks:
            body.append(heading("Back from your manager", level=2))
            for task in tasks:
                body += task_to_finish(vm.task_done, task)
        if flags:
            body.append(heading("Flags from the central record", level=2))
            body += [flag_card(line) for line in flags]
        restrictions = vm.restrictions()
        if restrictions:
            body.append(heading("Contact restrictions", level=2))
            body += [_restriction(text) for text in restrictions]
        people = vm.people()
        if people:
            body.append(heading("People on record", level=2))
            body += [ft.ListTile(title=p.name, subtitle=p.detail or None) for p in people]
        for line in vm.concerns():
            body += concern_to_acknowledge(vm, line)
        done = vm.concerns_acknowledged()
        if done:
            body.append(heading("Concerns acknowledged", level=2))
            body += [
                ft.Semantics(
                    container=True,
                    label=f"{line.text} {line.acknowledged}",
                    content=ft.Column([ft.Text(line.text), hint(line.acknowledged)], spacing=2),
                )
                for line in done
            ]
        history = vm.history()
        body.append(heading("Visits, newest first", level=2))
        if not history:
            body.append(hint("No visits on this device yet."))
        for entry in history:
            body.append(
                ft.Semantics(
                    container=True,
                    label=entry.spoken,
                    content=ft.Column(
                        [ft.Text(entry.title, weight=ft.FontWeight.BOLD), hint(entry.detail)],
                        spacing=2,
                    ),
                )
            )
            if entry.amend_id is not None:
                body.append(action_button(entry.amend_words, _call(vm.amend, entry.amend_id)))
        body.append(heading("Record a visit", level=2))
        if len(vm.household) > 1:
            body.append(hint("Children in this household: choose who this visit is about."))
            body += [
                ft.Container(
                    ft.Checkbox(
                        label=r.name,
                        value=r.child_id in vm.selected,
                        on_change=_ticked(vm.toggle, r.child_id),
                    ),
                    height=48,
                )
                for r in vm.household
            ]
        offer = self._draft_offer()
        body += offer or [primary_button("Start visit", lambda _e: vm.start_visit())]
        body += [
            ft.TextButton(content="Back to caseload", on_click=self._back, height=48),
            error_text(vm.error),
        ]
        if vm.message:
            body.insert(1, ft.Text(vm.message))
        self.root.controls = body

    def _back(self, _e: Any) -> None:
        self._on_back()
