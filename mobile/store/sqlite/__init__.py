"""The device's records in SQLite, sealed: the unit of work and its repositories.

    base          one transaction (connection, clock, the data key at first use); sealing
    unit_of_work  SqliteUnitOfWork: `with uow: ... uow.commit()` is one SQLite transaction
    visits        drafts, submitted revisions, amendments, concerns, acknowledgements
    outbox        what waits for the central record, receipts, quarantine, sync states
    caseload      rows from the central record
    row_cache     the caseload screen's rows per child, and the marks of what changed since
    settings      sealed and plaintext settings
DeviceStore (mobile/store/store.py) supplies the connection and the unlocked data key.
"""

from mobile.store.sqlite.unit_of_work import SqliteUnitOfWork

__all__ = ["SqliteUnitOfWork"]
