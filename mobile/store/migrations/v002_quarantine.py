"""Version 2: rejected records move out of the outbox into a quarantine the practitioner sees;
the outbox records when an item was sent and how often (the honest 'sent' state); a caseload row
with an unsynced local change keeps the central record's newer version aside instead of losing it.
"""

from __future__ import annotations

UP: tuple[str, ...] = (
    """CREATE TABLE quarantine (
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
        PRIMARY KEY (record_id, revision)
    )""",
    """INSERT INTO quarantine (record_id, revision, kind, source_id, base_revision, content_hash,
                               size_bytes, created_at, quarantined_at, detail)
       SELECT record_id, revision, kind, source_id, base_revision, content_hash, size_bytes,
              created_at, created_at, detail
       FROM outbox WHERE state = 'rejected'""",
    "DELETE FROM outbox WHERE state = 'rejected'",
    "ALTER TABLE outbox ADD COLUMN sent_at TEXT",
    "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE caseload ADD COLUMN pending_version INTEGER",
    "ALTER TABLE caseload ADD COLUMN pending_deleted INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE caseload ADD COLUMN pending_body BLOB",
)

DOWN: tuple[str, ...] = (
    "ALTER TABLE caseload DROP COLUMN pending_body",
    "ALTER TABLE caseload DROP COLUMN pending_deleted",
    "ALTER TABLE caseload DROP COLUMN pending_version",
    "ALTER TABLE outbox DROP COLUMN attempts",
    "ALTER TABLE outbox DROP COLUMN sent_at",
    """INSERT INTO outbox (record_id, revision, kind, source_id, base_revision, content_hash,
                           size_bytes, created_at, state, detail)
       SELECT record_id, revision, kind, source_id, base_revision, content_hash, size_bytes,
              created_at, 'rejected', detail
       FROM quarantine""",
    "DROP TABLE quarantine",
)
