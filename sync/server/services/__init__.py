"""The central record's services: plain functions over a Database, keyword-only, transactional."""

from sync.server.services.admin import (
    DeviceInfo,
    compact_changes,
    create_organisation,
    create_practitioner,
    create_team,
    list_devices,
    reset_cursors,
    set_recovery_key,
)
from sync.server.services.auth import RefusedCaller, enrol_device, issue_enrolment_code
from sync.server.services.caseload import allocate_child, load_caseload
from sync.server.services.common import Actor, Refusal, StaffRole
from sync.server.services.concerns import (
    acknowledge_concern,
    concerns_of_child,
    concerns_of_reporter,
    record_concern,
)
from sync.server.services.pull import child_record, pull_changes, visit_record
from sync.server.services.push import push_items
from sync.server.services.refusals import RefusalAudit
from sync.server.services.revocation import (
    RevokeMode,
    finish_retirement,
    mark_for_review,
    revoke_device,
)
from sync.server.services.signin import (
    Authenticated,
    authenticate,
    check_credential,
    refuse_retiring,
    renew_credential,
)

__all__ = [
    "Actor",
    "Authenticated",
    "DeviceInfo",
    "Refusal",
    "RefusalAudit",
    "RefusedCaller",
    "RevokeMode",
    "StaffRole",
    "acknowledge_concern",
    "allocate_child",
    "authenticate",
    "check_credential",
    "child_record",
    "compact_changes",
    "concerns_of_child",
    "concerns_of_reporter",
    "create_organisation",
    "create_practitioner",
    "create_team",
    "enrol_device",
    "finish_retirement",
    "issue_enrolment_code",
    "list_devices",
    "load_caseload",
    "mark_for_review",
    "pull_changes",
    "push_items",
    "record_concern",
    "refuse_retiring",
    "renew_credential",
    "reset_cursors",
    "revoke_device",
    "set_recovery_key",
    "visit_record",
]
