"""The SQLite implementation of the Repository contract (sealed), assembled from its parts.

sqlite_visits    drafts, visits, amendments, concerns, acknowledgements
sqlite_sync      outbox, receipts, quarantine, sync state
sqlite_caseload  caseload from the central record, settings
DeviceStore (store.py) adds the keys: it supplies the connection and the unlocked data key.
"""

from __future__ import annotations

from uuid import UUID

from mobile.store.records import summarise
from mobile.store.repository import ChildSummary, Listing
from mobile.store.sqlite_caseload import CaseloadMixin
from mobile.store.sqlite_sync import SyncMixin
from mobile.store.sqlite_visits import VisitsMixin
from models.caseload import Child, ContactRestriction, Household
from models.concern import ConcernReceived

__all__ = ["SqliteRecords"]


class SqliteRecords(VisitsMixin, SyncMixin, CaseloadMixin):
    def caseload_summary(self) -> Listing[ChildSummary]:
        """One summary per child (last seen, last visit, flags, counts), sorted by name."""
        with self._lock:
            visits = self.list_visits()
            drafts = self.list_drafts()
            with self._read() as (db, key):
                children = self._rows(db, key, "child", Child)
                households = self._rows(db, key, "household", Household)
                concerns = self._rows(db, key, "concern", ConcernReceived)
                restrictions = self._rows(db, key, "restriction", ContactRestriction)
                seen, problems = self._seen_dates(db, key)
                unsynced = {
                    UUID(row[0])
                    for row in db.execute(
                        "SELECT record_id FROM outbox WHERE kind IN ('visit', 'amendment') UNION "
                        "SELECT record_id FROM quarantine WHERE kind IN ('visit', 'amendment')"
                    )
                }
        for part in (visits, drafts, children, households, concerns, restrictions):
            problems.extend(part.problems)
        summaries = summarise(
            children=sorted(children.items, key=lambda c: c.name.casefold()),
            households={h.household_id: h for h in households},
            visits=visits,
            drafts=drafts,
            concerns=concerns,
            restrictions=restrictions,
            seen_at_centre=seen,
            unsynced_visit_ids=unsynced,
        )
        return Listing(summaries, problems)
