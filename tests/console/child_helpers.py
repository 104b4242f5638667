"""A child with a story, for the child's page and export tests: the worker's visits pushed, a
correction to one of them, and a confidential grandmother's phone call."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from models.amendment import Amendment, FieldChange
from models.receipt import ReceiptStatus
from models.visit import Visit
from tests.console.helpers import Console
from tests.sync.concerns_helpers import GRANDMOTHER, PHONE, Caller
from tests.sync.helpers import amendment_item, visit_item

__all__ = ["CORRECTED", "GRANDMOTHER", "PHONE", "REASON", "SIBLING", "Story", "story"]

REASON = "Added what the child said at the door (synthetic)."
SIBLING = "A brother's or sister's words (synthetic)."
CORRECTED = "Cheerful once outside (synthetic)."


@dataclass
class Story:
    child_id: UUID
    visit: Visit
    concern_id: UUID


def story(console: Console) -> Story:
    world = console.world
    load = world.worker.load
    assert load is not None
    visit = next(v for v in load.visits if v.children)
    child_id = visit.children[0].child_id
    device = world.device(world.worker)
    receipts = device.push([visit_item(v) for v in load.visits]).receipts
    assert all(r.status == ReceiptStatus.ACCEPTED for r in receipts), receipts
    changes = [
        FieldChange(
            field_path="children.0.voice.wishes_and_feelings",
            old_value=visit.children[0].voice.wishes_and_feelings,
            new_value=CORRECTED,
        )
    ]
    if len(visit.children) > 1:  # a brother's or sister's part: never on this child's page
        changes.append(
            FieldChange(
                field_path="children.1.voice.wishes_and_feelings",
                old_value=visit.children[1].voice.wishes_and_feelings,
                new_value=SIBLING,
            )
        )
    amendment = Amendment(
        amendment_id=uuid4(),
        amends_visit_id=visit.visit_id,
        amends_revision=1,
        changes=changes,
        reason=REASON,
        author_id=world.worker.practitioner_id,
        at=world.clock(),
    )
    receipt = device.push([amendment_item(amendment)]).receipts[0]
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.problems
    made = Caller(world, world.worker).record([child_id], confidential=True)
    assert made.status_code in (200, 201), made.text
    return Story(child_id, visit, UUID(made.json()["concern"]["concern_id"]))
