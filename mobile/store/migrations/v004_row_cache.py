# ruff: noqa: S608  (the SQL is built from this module's constants only, never from input)
"""Version 4: the caseload row cache. One sealed row per child holds what the caseload screen
shows that does not depend on today (mobile/services/caseload_cache.py). Triggers mark the
children a change touches, so no workflow can forget to: a child's own caseload rows, the rows
naming it in `child_id`, its visits and drafts (through visit_child), their place in the outbox
or quarantine, and the households and concerns its cached row was built from (row_source). A
central-record row naming no child in plaintext (a new concern, say) cannot be traced without
its key, so it marks every child ('*'). Plaintext here is ids only, as everywhere."""

from __future__ import annotations

ALL = "*"  # the mark that means every child


def _mark_visit(ref: str) -> str:
    return f"INSERT INTO row_dirty SELECT child_id FROM visit_child WHERE visit_id = {ref};"


def _mark_caseload(row: str, *, insert_or_update: bool, changed: str = "1") -> str:
    # A concern may name several children, its plaintext child_id one at most; any other row
    # names its one child there. A deletion is traced through row_source instead.
    untraced = (
        f"INSERT INTO row_dirty SELECT '{ALL}' WHERE ({row}.kind = 'concern' OR "
        f"({row}.child_id IS NULL AND {row}.kind NOT IN ('household', 'person', 'child')))"
        f" AND {row}.local_pending = 0 AND {changed};"
        if insert_or_update
        else f"INSERT INTO row_dirty SELECT '{ALL}' WHERE {row}.child_id IS NULL "
        f"AND {row}.kind NOT IN ('household', 'person', 'child', 'concern');"
    )
    return (
        f"INSERT INTO row_dirty SELECT {row}.child_id WHERE {row}.child_id IS NOT NULL;"
        f"INSERT INTO row_dirty SELECT {row}.entity_id WHERE {row}.kind = 'child';"
        f"INSERT INTO row_dirty SELECT child_id FROM row_source "
        f"WHERE kind = {row}.kind AND entity_id = {row}.entity_id;" + untraced
    )


def _trigger(name: str, event: str, table: str, body: str) -> str:
    return f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END"


_TRIGGERS: tuple[tuple[str, str, str, str], ...] = (
    ("row_visit_child_ins", "INSERT", "visit_child",
     "INSERT INTO row_dirty VALUES (NEW.child_id);"),
    ("row_visit_child_del", "DELETE", "visit_child",
     "INSERT INTO row_dirty VALUES (OLD.child_id);"),
    ("row_visit_ins", "INSERT", "visit", _mark_visit("NEW.visit_id")),
    ("row_visit_upd", "UPDATE", "visit", _mark_visit("NEW.visit_id")),
    ("row_visit_del", "DELETE", "visit", _mark_visit("OLD.visit_id")),
    ("row_draft_ins", "INSERT", "draft", _mark_visit("NEW.visit_id")),
    ("row_draft_del", "DELETE", "draft", _mark_visit("OLD.visit_id")),
    ("row_outbox_ins", "INSERT", "outbox", _mark_visit("NEW.record_id")),
    ("row_outbox_del", "DELETE", "outbox", _mark_visit("OLD.record_id")),
    ("row_quarantine_ins", "INSERT", "quarantine", _mark_visit("NEW.record_id")),
    ("row_quarantine_del", "DELETE", "quarantine", _mark_visit("OLD.record_id")),
    ("row_caseload_ins", "INSERT", "caseload", _mark_caseload("NEW", insert_or_update=True)),
    ("row_caseload_upd", "UPDATE", "caseload",
     _mark_caseload("OLD", insert_or_update=False)
     + _mark_caseload("NEW", insert_or_update=True, changed="NEW.body IS NOT OLD.body")),
    ("row_caseload_del", "DELETE", "caseload", _mark_caseload("OLD", insert_or_update=False)),
)  # fmt: skip


def quarantine_triggers() -> tuple[str, ...]:
    """The quarantine's triggers: made again whenever the table is (v005)."""
    return tuple(_trigger(*t) for t in _TRIGGERS if t[2] == "quarantine")


UP: tuple[str, ...] = (
    """CREATE TABLE row_cache (
        child_id TEXT PRIMARY KEY,
        body BLOB NOT NULL
    )""",
    # Which central-record rows (by kind and id) a child's cached row was built from.
    """CREATE TABLE row_source (
        kind TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        child_id TEXT NOT NULL,
        PRIMARY KEY (kind, entity_id, child_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX row_source_by_child ON row_source (child_id)",
    "CREATE TABLE row_dirty (child_id TEXT NOT NULL)",  # repeats allowed: no constraint to trip an outer UPSERT
    f"INSERT INTO row_dirty VALUES ('{ALL}')",  # an existing store builds its cache once
    # Counts the times the cache was brought up to date: a copy held in memory is current while
    # no child is marked and this has not moved.
    "CREATE TABLE row_generation (generation INTEGER NOT NULL)",
    "INSERT INTO row_generation VALUES (0)",
    *(_trigger(*t) for t in _TRIGGERS),
)

DOWN: tuple[str, ...] = (
    *(f"DROP TRIGGER {t[0]}" for t in reversed(_TRIGGERS)),
    "DROP TABLE row_generation",
    "DROP TABLE row_dirty",
    "DROP INDEX row_source_by_child",
    "DROP TABLE row_source",
    "DROP TABLE row_cache",
)
