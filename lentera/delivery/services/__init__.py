"""Writes for delivery, one module per topic; import them from here."""

from lentera.delivery.services.attendance import CheckinRefused, CheckinResult, attendance_mark, check_in
from lentera.delivery.services.calendar_feeds import calendar_feed_renew, calendar_feed_revoke
from lentera.delivery.services.cohorts import cohort_create, cohort_update, enrol, withdraw
from lentera.delivery.services.common import COHORT_FIELDS, INSTRUCTOR_FIELDS
from lentera.delivery.services.groups import group_move, groups_form
from lentera.delivery.services.instructors import instructor_register, instructor_update
from lentera.delivery.services.roster import (
    roster_import_apply,
    roster_import_cancel,
    roster_import_check,
    roster_import_preview,
    roster_import_request_apply,
    roster_import_start,
)
from lentera.delivery.services.schedule import (
    DraftSession,
    find_clashes,
    outside_cohort_dates,
    programme_schedule,
    session_schedule,
)

__all__ = [
    "COHORT_FIELDS",
    "CheckinRefused",
    "CheckinResult",
    "DraftSession",
    "INSTRUCTOR_FIELDS",
    "attendance_mark",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "check_in",
    "cohort_create",
    "cohort_update",
    "enrol",
    "find_clashes",
    "group_move",
    "groups_form",
    "instructor_register",
    "instructor_update",
    "outside_cohort_dates",
    "programme_schedule",
    "roster_import_apply",
    "roster_import_cancel",
    "roster_import_check",
    "roster_import_request_apply",
    "roster_import_start",
    "roster_import_preview",
    "session_schedule",
    "withdraw",
]
