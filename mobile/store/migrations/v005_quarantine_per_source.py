# ruff: noqa: S608  (the SQL is built from this module's constants only, never from input)
"""Version 5: the quarantine keeps each refused record, not one per record id and revision. A
task marked done goes out named by the task (revision 1) each time: when a second note is
refused, the first must stay among what was not accepted, not be replaced by it. Moving rows
copies sealed blobs as they are (their AAD names the record, not this table)."""

from __future__ import annotations

from mobile.store.migrations.v004_row_cache import quarantine_triggers

_COLUMNS = (
    "record_id, revision, kind, source_id, base_revision, content_hash, size_bytes, "
    "created_at, quarantined_at, detail"
)


def _table(name: str, key: str) -> str:
    return f"""CREATE TABLE {name} (
        record_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        base_revision INTEGER,
        content_hash TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        quarantined_at TEXT NOT NULL,
        detail BLOB,
        PRIMARY KEY ({key})
    )"""


def _rebuild(key: str, keep: str) -> tuple[str, ...]:
    return (
        _table("quarantine_new", key),
        f"INSERT INTO quarantine_new ({_COLUMNS}) SELECT {_COLUMNS} FROM quarantine {keep}",
        "DROP TABLE quarantine",  # its triggers go with it
        "ALTER TABLE quarantine_new RENAME TO quarantine",
        *quarantine_triggers(),
    )


UP: tuple[str, ...] = _rebuild("record_id, revision, source_id", "")

# Back to one row per record id and revision: the latest refused of each.
DOWN: tuple[str, ...] = _rebuild(
    "record_id, revision",
    "q WHERE NOT EXISTS (SELECT 1 FROM quarantine later WHERE later.record_id = q.record_id "
    "AND later.revision = q.revision AND later.quarantined_at > q.quarantined_at)",
)
