"""Delivery pages, one module per topic; urls.py imports them from here."""

from lentera.delivery.views.attendance import attendance_mark, check_in, checkin_count, checkin_screen
from lentera.delivery.views.calendar import calendar_feed, calendar_view, ical_feed
from lentera.delivery.views.cohorts import (
    cohort_create,
    cohort_detail,
    cohort_edit,
    cohort_list,
    enrol,
    enrol_search,
    withdraw,
)
from lentera.delivery.views.common import STAFF_ROLES
from lentera.delivery.views.exports import attendance_sheet, jp_ledger_export
from lentera.delivery.views.groups import cohort_groups
from lentera.delivery.views.instructors import instructor_add, instructor_edit, instructor_list, instructor_photo
from lentera.delivery.views.jp_history import my_jp, my_jp_pdf
from lentera.delivery.views.personal import jp_ledger, my_schedule
from lentera.delivery.views.roster import (
    roster_import_cancel,
    roster_import_confirm,
    roster_import_detail,
    roster_import_upload,
    roster_template,
)
from lentera.delivery.views.schedule import session_detail, session_edit, session_schedule
from lentera.delivery.views.scheduler import programme_schedule
from lentera.delivery.views.signin import cohort_code_sheet, cohort_invite

__all__ = [
    "cohort_code_sheet",
    "cohort_invite",
    "STAFF_ROLES",
    "attendance_mark",
    "attendance_sheet",
    "calendar_feed",
    "calendar_view",
    "check_in",
    "checkin_count",
    "checkin_screen",
    "cohort_create",
    "cohort_detail",
    "cohort_edit",
    "cohort_groups",
    "cohort_list",
    "enrol",
    "enrol_search",
    "ical_feed",
    "instructor_add",
    "instructor_edit",
    "instructor_list",
    "instructor_photo",
    "jp_ledger",
    "jp_ledger_export",
    "my_jp",
    "my_jp_pdf",
    "my_schedule",
    "programme_schedule",
    "roster_import_cancel",
    "roster_import_confirm",
    "roster_import_detail",
    "roster_import_upload",
    "roster_template",
    "session_detail",
    "session_edit",
    "session_schedule",
    "withdraw",
]
