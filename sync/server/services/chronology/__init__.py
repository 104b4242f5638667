"""A child's chronology, read once for the console's page and its export (JSON and PDF).

shapes   the plain dataclasses both read
words    plain words for the codes shown
entries  visits, corrections, concerns, flags, decisions, escalations
people   everyone around the child; the plan and its due dates
read     scope, redaction and audit
document the export as a JSON-ready document
"""

from sync.server.services.chronology.read import (
    ExportPurpose,
    child_chronology,
    export_chronology,
    may_see,
)
from sync.server.services.chronology.shapes import Chronology, Entry, EntryKind, Viewer

__all__ = [
    "Chronology",
    "Entry",
    "EntryKind",
    "ExportPurpose",
    "Viewer",
    "child_chronology",
    "export_chronology",
    "may_see",
]
