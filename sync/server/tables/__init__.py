"""The central record's tables: the only `table=True` classes of the server.

    base       ServerTable (their own registry and metadata) and table_of
    caseload   organisations, teams, practitioners; children, households, people, links
    records    what devices send: revisions, visits, concerns, held items, the change and audit logs
    devices    enrolled devices, enrolment codes, wrong codes tried
    oversight  plans, decisions, contacts, sightings, flags and their history, reporters, escalations,
               and the children still to be rechecked after a push
    staff      the console's staff accounts and their sessions
    review     the review queue's outcomes and the tasks it sends back to workers

The schema itself is made by the Alembic migrations in `migrations/`; a test checks the two never
drift apart. Append-only: record_revision, visit_revision, change, audit_event (a trigger refuses
UPDATE/DELETE on the audit log), flag_event. Caseload rows keep the current state; every change to
them is also written to `change`, which devices read in order. Column types: columns.py.
"""

from sync.server.columns import UTCDateTime, body_type, json_type
from sync.server.tables.base import (
    ServerTable,
    metadata,
    table_of,
)
from sync.server.tables.caseload import (
    AllocationRow,
    ChildRow,
    HouseholdRow,
    OrganisationRow,
    OrgSeqRow,
    PersonLinkRow,
    PersonRow,
    PractitionerRow,
    RestrictionRow,
    TeamRow,
)
from sync.server.tables.devices import (
    DeviceRow,
    EnrolFailureRow,
    EnrolmentCodeRow,
)
from sync.server.tables.oversight import (
    ChildPlanRow,
    ContactRow,
    DecisionRow,
    EscalationRow,
    FlagEventRow,
    FlagRow,
    PendingCheckRow,
    ReporterRow,
    SightingRow,
)
from sync.server.tables.records import (
    AuditEventRow,
    ChangeRow,
    ConcernChildRow,
    ConcernRow,
    QuarantineRow,
    RecordReviewRow,
    RecordRevisionRow,
    VisitChildRow,
    VisitRevisionRow,
)
from sync.server.tables.review import ReviewRow, TaskRow
from sync.server.tables.staff import StaffAccountRow, StaffSessionRow

__all__ = [
    "AllocationRow",
    "AuditEventRow",
    "ChangeRow",
    "ChildPlanRow",
    "ChildRow",
    "ConcernChildRow",
    "ConcernRow",
    "ContactRow",
    "DecisionRow",
    "DeviceRow",
    "EnrolFailureRow",
    "EnrolmentCodeRow",
    "EscalationRow",
    "FlagEventRow",
    "FlagRow",
    "HouseholdRow",
    "OrgSeqRow",
    "OrganisationRow",
    "PendingCheckRow",
    "PersonLinkRow",
    "PersonRow",
    "PractitionerRow",
    "QuarantineRow",
    "RecordReviewRow",
    "RecordRevisionRow",
    "ReporterRow",
    "RestrictionRow",
    "ReviewRow",
    "ServerTable",
    "SightingRow",
    "StaffAccountRow",
    "StaffSessionRow",
    "TaskRow",
    "TeamRow",
    "UTCDateTime",
    "VisitChildRow",
    "VisitRevisionRow",
    "body_type",
    "json_type",
    "metadata",
    "table_of",
]
