"""The escalation prompt and form, through the view-model on the real services and a real store."""

from __future__ import annotations

import random
from datetime import timedelta

import flet as ft

from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.escalation import SAVED, EscalationViewModel
from mobile.ui.views.escalation import escalation_view
from models.enums import SafeguardingConcernNow
from synthetic import SyntheticCaseload, synthetic_visit
from tests.sync.helpers import World


def _risky(app: AppViewModel, world: World, load: SyntheticCaseload) -> EscalationViewModel:
    assert app.services is not None
    visit = synthetic_visit(random.Random(5), load, load.children[0])
    assert visit.started_at is not None and visit.ended_at is not None
    shift = world.clock() - timedelta(hours=1) - visit.ended_at
    visit = visit.model_copy(
        update={
            "created_on_device_at": visit.created_on_device_at + shift,
            "started_at": visit.started_at + shift,
            "ended_at": visit.ended_at + shift,
            "safeguarding_concern_now": SafeguardingConcernNow.REFERRAL_MADE,
            "escalation_notes": "Referred (synthetic).",
        }
    )
    app.services.visits.save_draft(visit)
    app.services.visits.submit(visit.visit_id)
    app.services.escalations.prompt_hours = 0
    vm = EscalationViewModel(escalations=app.services.escalations, clock=world.clock)
    vm.load()
    return vm


def test_a_high_risk_unsent_visit_is_offered_and_the_form_records_it(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    vm = _risky(app, world, load)
    [line] = vm.due
    assert "record who you told" in line.text and line.action.startswith("Record an escalation")

    vm.start(line.visit_id)
    vm.set("to_whom", "My team manager (synthetic)")
    vm.set("how", "PHONE")
    vm.set("when", "9:45")
    vm.set("response", "Go back tomorrow with a colleague (synthetic).")

    assert vm.save(), (vm.error, vm.field_errors)
    assert vm.message == SAVED and vm.due == [] and vm.visit_id is None
    assert app.services is not None
    assert any(r.kind == "escalation" for r in app.services.sync.records())


def test_missing_answers_are_named_and_nothing_typed_is_lost(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    vm = _risky(app, world, load)
    vm.start(vm.due[0].visit_id)
    vm.set("to_whom", "My team manager (synthetic)")
    vm.set("response", "Nul \x00 inside (synthetic)")

    assert not vm.save()
    assert set(vm.field_errors) == {"response"} and "NUL" in vm.field_errors["response"]
    assert vm.to_whom == "My team manager (synthetic)"
    vm.set("response", "No answer; left a message (synthetic).")
    assert not vm.save() and set(vm.field_errors) == {"how"}
    vm.set("when", "quarter past")
    vm.set("how", "PHONE")
    assert not vm.save() and set(vm.field_errors) == {"when"}


def test_the_form_names_every_control_and_its_buttons_are_48_px(
    app: AppViewModel, world: World, load: SyntheticCaseload
) -> None:
    vm = _risky(app, world, load)
    vm.start(vm.due[0].visit_id)
    view = escalation_view(vm)
    found: list[ft.Control] = []

    def walk(control: object) -> None:
        if isinstance(control, ft.Control):
            found.append(control)
        for name in ("controls", "content"):
            child = getattr(control, name, None)
            for c in child if isinstance(child, list) else [child]:
                if c is not None and not isinstance(c, str):
                    walk(c)

    walk(view)
    fields = [c for c in found if isinstance(c, ft.TextField)]
    assert [f.label for f in fields] == [
        "Who you told", "When (hours and minutes, like 16:10)", "What they said or did",
    ]  # fmt: skip
    assert any(isinstance(c, ft.Semantics) and c.label == "How you told them" for c in found)
    buttons = [c for c in found if isinstance(c, ft.FilledButton)]
    assert buttons and all((b.height or 0) >= 48 for b in buttons)
