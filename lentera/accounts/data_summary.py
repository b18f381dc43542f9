"""The personal-data export's readable summary: ``data.json`` as one Indonesian HTML page.

It shows the same data as ``data.json``, section by section, with the keys named in words. The
sections come from every app's registry entry, so an unknown key is still shown (its name in
words, "started_at" → "Started at"). Everything the person or anyone else typed is escaped: the
page runs no script and draws no markup that is not Lentera's own (a strict CSP says so too).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Keys of data.json in words (English here, Indonesian in the catalogue). Unknown keys read as words too.
LABELS: dict[str, Any] = {
    # sections
    "profile": gettext_lazy("Profile"),
    "memberships": gettext_lazy("Roles in libraries"),
    "instructor_profiles": gettext_lazy("Instructor profiles"),
    "enrolments": gettext_lazy("Enrolments"),
    "attendance": gettext_lazy("Attendance"),
    "discussion_groups": gettext_lazy("Discussion groups"),
    "calendar_feeds": gettext_lazy("Calendar feeds"),
    "tests": gettext_lazy("Tests"),
    "extra_attempts_allowed": gettext_lazy("Extra attempts allowed"),
    "completion_decisions": gettext_lazy("Completion decisions"),
    "assignments": gettext_lazy("Assignments"),
    "observed_role_plays": gettext_lazy("Observed role-plays"),
    "certificates": gettext_lazy("Certificates"),
    "feedback": gettext_lazy("Feedback"),
    "audit_log": gettext_lazy("Activity log"),
    # fields
    "full_name": gettext_lazy("Name"),
    "username": gettext_lazy("Username"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "nip": gettext_lazy("NIP"),
    "functional_level": gettext_lazy("Functional level"),
    "work_unit": gettext_lazy("Work unit"),
    "language": gettext_lazy("Language"),
    "joined": gettext_lazy("Joined"),
    "last_login": gettext_lazy("Last sign-in"),
    "library": gettext_lazy("Library"),
    "role": gettext_lazy("Role"),
    "active": gettext_lazy("Active"),
    "since": gettext_lazy("Since"),
    "programme": gettext_lazy("Programme"),
    "cohort": gettext_lazy("Cohort"),
    "session": gettext_lazy("Session"),
    "status": gettext_lazy("Status"),
    "starts": gettext_lazy("Starts"),
    "ends": gettext_lazy("Ends"),
    "time_in": gettext_lazy("Time in"),
    "note": gettext_lazy("Note"),
    "when": gettext_lazy("When"),
    "by": gettext_lazy("By"),
    "action": gettext_lazy("Action"),
    "object": gettext_lazy("About"),
    "changes": gettext_lazy("Changes"),
    "number": gettext_lazy("Number"),
    "jp": "JP",
    "score_percent": gettext_lazy("Score (%)"),
    "comment": gettext_lazy("Comment"),
    "text": gettext_lazy("Text"),
    "answers": gettext_lazy("Answers"),
    "question": gettext_lazy("Question"),
    "rating": gettext_lazy("Rating"),
    "reason": gettext_lazy("Reason"),
    "id": gettext_lazy("ID"),
    "kind": gettext_lazy("Kind"),
    "organisation": gettext_lazy("Organisation"),
    "years_experience": gettext_lazy("Years of experience"),
    "bio": gettext_lazy("Bio"),
    "certifications": gettext_lazy("Certifications"),
    "expertise": gettext_lazy("Expertise"),
    "photo": gettext_lazy("Photo"),
    "enrolled": gettext_lazy("Enrolled on"),
    "changed": gettext_lazy("Changed on"),
    "group": gettext_lazy("Group"),
    "created": gettext_lazy("Created"),
    "revoked": gettext_lazy("Revoked"),
    "test": gettext_lazy("Test"),
    "attempt": gettext_lazy("Attempt"),
    "started": gettext_lazy("Started"),
    "submitted": gettext_lazy("Submitted"),
    "correct": gettext_lazy("Correct"),
    "questions": gettext_lazy("Questions"),
    "chosen": gettext_lazy("Chosen"),
    "assignment": gettext_lazy("Assignment"),
    "handed_in": gettext_lazy("Handed in"),
    "link": gettext_lazy("Link"),
    "file": gettext_lazy("File"),
    "graded": gettext_lazy("Graded"),
    "criteria": gettext_lazy("Criteria"),
    "criterion": gettext_lazy("Criterion"),
    "level": gettext_lazy("Level"),
    "points": gettext_lazy("Points"),
    "name_on_it": gettext_lazy("Name on the certificate"),
    "nip_on_it": gettext_lazy("NIP on the certificate"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "competencies": gettext_lazy("Competencies"),
    "issued": gettext_lazy("Issued"),
    "revoked_reason": gettext_lazy("Reason for revoking"),
    "check_at": gettext_lazy("Check at"),
    "round": gettext_lazy("Round"),
    "answered": gettext_lazy("Answered"),
    "day": gettext_lazy("Day"),
    "item": gettext_lazy("Item"),
    "about_instructor": gettext_lazy("About the instructor"),
    "not_applicable": gettext_lazy("Not applicable"),
    "choices": gettext_lazy("Choices"),
    "supervisor_email": gettext_lazy("Supervisor's email"),
    "about_anonymous_feedback": gettext_lazy("About anonymous feedback"),
    "rounds_you_were_asked_to_answer": gettext_lazy("Rounds you were asked to answer"),
    "your_named_answers": gettext_lazy("Your answers given under your name"),
    "your_supervisor_was_asked": gettext_lazy("Your supervisor was asked"),
}
# Coded values of data.json (statuses, roles) in words: the same English as the apps' choices, so the
# catalogue already has their Indonesian. A code not listed here shows as it is.
CODED_KEYS = frozenset({"status", "role", "recorded_by", "kind"})
CODES: dict[str, Any] = {
    "coordinator": gettext_lazy("Coordinator"),
    "instructor": gettext_lazy("Instructor"),
    "participant": gettext_lazy("Participant"),
    "partner": gettext_lazy("Partner"),
    "enrolled": gettext_lazy("Enrolled"),
    "waitlisted": gettext_lazy("On the waitlist"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "present": gettext_lazy("Present"),
    "late": gettext_lazy("Late"),
    "excused": gettext_lazy("Excused"),
    "absent": gettext_lazy("Absent"),
    "qr": gettext_lazy("QR code"),
    "code": gettext_lazy("Typed code"),
    "manual": gettext_lazy("Marked by the instructor"),
    "completed": gettext_lazy("Completed"),
    "not_completed": gettext_lazy("Not completed"),
}
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")
SKIPPED = ("format", "about", "exported_at")


def label(key: str) -> str:
    return str(LABELS.get(key) or key.replace("_", " ").capitalize())


def _moment(text: str) -> str:
    """An ISO day or time (already in the library's time zone) as Indonesian readers write it."""
    try:
        if "T" in text:
            return date_format(datetime.fromisoformat(text), "j F Y, H:i")
        return date_format(date.fromisoformat(text), "j F Y")
    except ValueError:
        return text


def _value(value: Any, key: str = "") -> SafeString:
    if key in CODED_KEYS and isinstance(value, str) and value in CODES:
        return escape(str(CODES[value]))
    if value is None or value == "" or value == [] or value == {}:
        return mark_safe("–")  # noqa: S308 (a constant)
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if isinstance(value, str):
        return escape(_moment(value) if ISO_MOMENT.match(value) else value)
    if isinstance(value, dict) and key == "changes":  # {field: [before, after]} of the activity log
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                (
                    (label(str(k)), _change(v, str(k)) if isinstance(v, list) and len(v) == 2 else _value(v, str(k)))
                    for k, v in value.items()
                ),
            ),
        )
    if isinstance(value, dict):
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((label(str(k)), _value(v, str(k))) for k, v in value.items())
            ),
        )
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return format_html_join(" · ", "{}", ((_value(v, key),) for v in value))
        return format_html(
            '<ol class="rows">{}</ol>', format_html_join("", "<li>{}</li>", ((_value(v),) for v in value))
        )
    return escape(str(value))


def _change(pair: list[Any], key: str) -> SafeString:
    return format_html("{} → {}", _value(pair[0], key), _value(pair[1], key))


def summary_html(data: dict[str, Any], *, name: str) -> str:
    """``data`` (what goes into data.json) as a standalone HTML page."""
    sections = format_html_join(
        "",
        "<section><h2>{}</h2>{}</section>",
        ((label(key), _value(value)) for key, value in data.items() if key not in SKIPPED),
    )
    return format_html(
        """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.45;
  overflow-wrap: anywhere; }}
h2 {{ border-bottom: 2px solid #7a3e00; padding-bottom: .2rem; margin-top: 2rem; }}
dl {{ display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: .15rem .8rem; margin: .3rem 0; }}
dt {{ color: #555; }} dd {{ margin: 0; }}
ol.rows > li {{ border: 1px solid #ddd; border-radius: .4rem; padding: .3rem .6rem; margin-bottom: .5rem; }}
@media (max-width: 30rem) {{ dl {{ grid-template-columns: 1fr; }} dd {{ margin-bottom: .3rem; }} }}
</style></head>
<body><h1>{title}</h1><p>{about}</p><p>{exported}</p>{sections}</body></html>
""",
        title=_("Your personal data in Lentera: %(name)s") % {"name": name},
        about=data.get("about", ""),
        exported=_("Exported on %(when)s. The same data, complete and machine-readable, is in data.json.")
        % {"when": _moment(str(data.get("exported_at", "")))},
        sections=sections,
    )
