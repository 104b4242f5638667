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
from sync.server.services.auth import (
    authenticate,
    enrol_device,
    issue_enrolment_code,
    revoke_device,
)
from sync.server.services.caseload import allocate_child, load_caseload, load_synthetic_caseload
from sync.server.services.common import Actor, ApiError, StaffRole
from sync.server.services.pull import child_record, pull_changes, visit_record
from sync.server.services.push import push_items

__all__ = [
    "Actor",
    "ApiError",
    "DeviceInfo",
    "StaffRole",
    "allocate_child",
    "authenticate",
    "child_record",
    "compact_changes",
    "create_organisation",
    "create_practitioner",
    "create_team",
    "enrol_device",
    "issue_enrolment_code",
    "list_devices",
    "load_caseload",
    "load_synthetic_caseload",
    "pull_changes",
    "push_items",
    "reset_cursors",
    "revoke_device",
    "set_recovery_key",
    "visit_record",
]
