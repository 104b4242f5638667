"""Version 3: a receipt keeps when its record was saved for sending (queued), so every record's
line can say when it was saved, apart from when it was last tried or answered.

Rows acknowledged before this version take the time their visit revision or authored record was
written (the same moment it was queued), or failing that when the receipt was stored.
"""

from __future__ import annotations

UP: tuple[str, ...] = (
    "ALTER TABLE receipt ADD COLUMN queued_at TEXT",
    """UPDATE receipt SET queued_at = COALESCE(
        (SELECT v.created_at FROM visit v
          WHERE receipt.kind IN ('visit', 'amendment')
            AND v.visit_id = receipt.record_id AND v.revision = receipt.revision),
        (SELECT a.created_at FROM authored a
          WHERE receipt.kind = 'concern' AND a.kind = 'concern'
            AND a.record_id = receipt.record_id),
        (SELECT MIN(a.created_at) FROM authored a
          WHERE receipt.kind = 'acknowledgement' AND a.kind = 'acknowledgement'
            AND a.subject_id = receipt.record_id),
        stored_at)""",
)

DOWN: tuple[str, ...] = ("ALTER TABLE receipt DROP COLUMN queued_at",)
