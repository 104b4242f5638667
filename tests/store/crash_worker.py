"""Run by test_crash.py in a subprocess that kills itself with SIGKILL at a chosen operation.

Usage: python crash_worker.py DATA_DIR SIDE_FILE SEED KILL_AT INSIDE MARKER_FILE

Loops saving drafts, submitting, acknowledging and amending (the services' workflows over the
store's unit of work). After each call returns (i.e. after its COMMIT), it appends what it did to SIDE_FILE and fsyncs it: every line there is a promise the
store must keep after the kill.

Where it dies is chosen by operation count, never by wall time, so a slow machine tests exactly
what a fast one does: store call number KILL_AT (counted from 1) never gets its promise written.
With INSIDE > 0 the worker dies inside that call, at SQLite's INSIDE-th progress callback (every
_STEP virtual-machine instructions: mid-statement, usually mid-transaction); if the call finishes
first, or INSIDE is 0, it dies right after the call's COMMIT, before the promise. Just before
dying it writes where to MARKER_FILE, so the test can see each kill landed where it was aimed.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from mobile.store import DeviceStore, KdfParams
from models.amendment import Amendment, FieldChange
from models.canonical import content_hash
from models.ids import new_id
from models.receipt import Receipt, ReceiptStatus
from synthetic import generate_caseload, synthetic_visit
from tests.store.device import device_of

PASSPHRASE = "lantern orbit cobble meadow"
KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)
_STEP = 5  # SQLite instructions between progress callbacks
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def main(
    data_dir: Path, side_file: Path, seed: int, kill_at: int, inside: int, marker: Path
) -> None:
    if DeviceStore.is_set_up(data_dir):
        store = DeviceStore.open(data_dir, clock=now)
        store.unlock(PASSPHRASE)
    else:
        store = DeviceStore.create(data_dir, passphrase=PASSPHRASE, kdf_params=KDF, clock=now)
    conn = store._db()  # the store's one connection: the progress handler goes on it
    rng = random.Random(seed)
    load = generate_caseload(seed=1, children=6, households=3)
    side = os.open(side_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    calls = 0

    def die(where: str) -> None:
        marker.write_text(f"{calls} {where}\n")  # the page cache outlives the process
        os.kill(os.getpid(), signal.SIGKILL)

    def call(operation: Callable[..., T], *args: object) -> T:
        nonlocal calls
        calls += 1
        if calls != kill_at:
            return operation(*args)
        ticks = 0

        def tick() -> int:
            nonlocal ticks
            ticks += 1
            if ticks == inside:
                die("inside-transaction" if conn.in_transaction else "inside")
            return 0

        if inside:
            conn.set_progress_handler(tick, _STEP)
        operation(*args)
        die("after-commit")
        raise AssertionError("unreachable: the worker is dead")

    def promise(line: str) -> None:
        os.write(side, (line + "\n").encode())
        os.fsync(side)

    records = device_of(store)  # each call: the service's workflow, one transaction
    submitted = []
    while True:
        visit = synthetic_visit(rng, load, rng.choice(load.children))
        call(records.save_draft, visit)
        visit.escalation_notes = f"autosave {rng.random()} (synthetic)"
        call(records.save_draft, visit)
        roll = rng.random()
        if roll < 0.6:
            done = call(records.submit_visit, visit.visit_id)
            promise(f"submit {done.visit_id} 1 {content_hash(done)}")
            submitted.append(done)
        elif roll < 0.7 and submitted:
            target = submitted.pop(rng.randrange(len(submitted)))
            receipt = Receipt(record_id=target.visit_id, revision=1, status=ReceiptStatus.ACCEPTED)
            call(records.record_receipts, [receipt])
            promise(f"ack {target.visit_id} 1 -")
        elif roll < 0.8 and submitted:
            target = submitted.pop(rng.randrange(len(submitted)))
            amendment = Amendment(
                amendment_id=new_id(),
                amends_visit_id=target.visit_id,
                amends_revision=1,
                changes=[
                    FieldChange(
                        field_path="announced",
                        old_value=target.announced,
                        new_value=not target.announced,
                    )
                ],
                reason="Corrected after the visit (synthetic).",
                author_id=target.practitioner_id,
                at=now(),
            )
            amended = call(records.add_amendment, amendment)
            promise(f"amend {amended.visit_id} {amended.revision} {content_hash(amended)}")


if __name__ == "__main__":
    data, side_path, seed_arg, kill_arg, inside_arg, marker_path = sys.argv[1:7]
    main(
        Path(data),
        Path(side_path),
        int(seed_arg),
        int(kill_arg),
        int(inside_arg),
        Path(marker_path),
    )
