"""Version 1: the first release. Plaintext columns hold only ids, revisions, timestamps, statuses
and sync state; every `body`, `detail` and sealed `value` is an AES-GCM blob."""

from __future__ import annotations

UP: tuple[str, ...] = (
    # Drafts: saved in place at every step (autosave); deleted when submitted.
    """CREATE TABLE draft (
        visit_id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        body BLOB NOT NULL
    )""",
    # Submitted visits, append-only: revision 1 is the submitted record, each amendment appends
    # the next. Only `status` ever changes (SUBMITTED -> SYNCED when the receipt is stored).
    """CREATE TABLE visit (
        visit_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        body BLOB NOT NULL,
        PRIMARY KEY (visit_id, revision)
    )""",
    # Which children a visit is about (ids only): purging on de-allocation, per-child summaries.
    """CREATE TABLE visit_child (
        visit_id TEXT NOT NULL,
        child_id TEXT NOT NULL,
        PRIMARY KEY (visit_id, child_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX visit_child_by_child ON visit_child (child_id)",
    # Other records the practitioner makes: amendments, acknowledgements, concerns.
    """CREATE TABLE authored (
        record_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject_id TEXT,
        revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        body BLOB NOT NULL
    )""",
    "CREATE INDEX authored_by_subject ON authored (subject_id)",
    # The transactional outbox: one row per record revision until the central record answers.
    # The body is not copied: source_id names the visit or authored row that holds it.
    """CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        base_revision INTEGER,
        content_hash TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        detail BLOB,
        UNIQUE (record_id, revision)
    )""",
    """CREATE TABLE receipt (
        record_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        subject_id TEXT,
        status TEXT NOT NULL,
        receipt_id TEXT,
        server_seq INTEGER,
        received_at TEXT,
        stored_at TEXT NOT NULL,
        detail BLOB,
        PRIMARY KEY (record_id, revision)
    )""",
    # Caseload reference data from the central record (child, household, person, restriction,
    # concern, seen), one sealed row per entity; local_pending marks an unsynced local change.
    """CREATE TABLE caseload (
        kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        child_id TEXT,
        updated_at TEXT NOT NULL,
        local_pending INTEGER NOT NULL DEFAULT 0,
        body BLOB NOT NULL,
        PRIMARY KEY (kind, entity_id)
    )""",
    "CREATE INDEX caseload_by_child ON caseload (child_id)",
    """CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        sealed INTEGER NOT NULL,
        value BLOB NOT NULL
    )""",
)

DOWN: tuple[str, ...] = (
    "DROP TABLE setting",
    "DROP TABLE caseload",
    "DROP TABLE receipt",
    "DROP TABLE outbox",
    "DROP TABLE authored",
    "DROP TABLE visit_child",
    "DROP TABLE visit",
    "DROP TABLE draft",
)
