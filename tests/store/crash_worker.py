"""Run by test_crash.py in a subprocess that is killed with SIGKILL at a random moment.

Usage: python crash_worker.py DATA_DIR SIDE_FILE SEED

Loops saving drafts, submitting, acknowledging and amending, for ever. After each call returns
(i.e. after its COMMIT), it appends what it did to SIDE_FILE and fsyncs it: every line there is a
promise the store must keep after the kill.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

from mobile.store import DeviceStore, KdfParams
from models.amendment import Amendment, FieldChange
from models.canonical import content_hash
from models.ids import new_id
from models.receipt import Receipt, ReceiptStatus
from models.synthetic import generate_caseload, synthetic_visit

PASSPHRASE = "lantern orbit cobble meadow"
KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)


def now() -> datetime:
    return datetime.now(UTC)


def main(data_dir: Path, side_file: Path, seed: int) -> None:
    if DeviceStore.is_set_up(data_dir):
        store = DeviceStore.open(data_dir, clock=now)
        store.unlock(PASSPHRASE)
    else:
        store = DeviceStore.create(data_dir, passphrase=PASSPHRASE, kdf_params=KDF, clock=now)
    rng = random.Random(seed)
    load = generate_caseload(seed=1, children=6, households=3)
    side = os.open(side_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def promise(line: str) -> None:
        os.write(side, (line + "\n").encode())
        os.fsync(side)

    print("ready", flush=True)
    submitted = []
    while True:
        visit = synthetic_visit(rng, load, rng.choice(load.children))
        store.save_draft(visit)
        visit.escalation_notes = f"autosave {rng.random()} (synthetic)"
        store.save_draft(visit)
        roll = rng.random()
        if roll < 0.6:
            done = store.submit_visit(visit.visit_id)
            promise(f"submit {done.visit_id} 1 {content_hash(done)}")
            submitted.append(done)
        elif roll < 0.7 and submitted:
            target = submitted.pop(rng.randrange(len(submitted)))
            store.record_receipts(
                [Receipt(record_id=target.visit_id, revision=1, status=ReceiptStatus.ACCEPTED)]
            )
            promise(f"ack {target.visit_id} 1 -")
        elif roll < 0.8 and submitted:
            target = submitted.pop(rng.randrange(len(submitted)))
            amended = store.add_amendment(
                Amendment(
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
            )
            promise(f"amend {amended.visit_id} {amended.revision} {content_hash(amended)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
