"""The cohort's raw feedback as a spreadsheet: one anonymous row per response, one column per item."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from lentera.evaluation.models import Answer, FormItem, Response, Survey
from lentera.lib.xlsx import workbook_bytes


def responses_workbook(*, cohort: Any) -> bytes:
    """Rows ordered by round, then by the response's random key (never by when it came in)."""
    surveys = {s.pk: s for s in Survey.objects.filter(cohort=cohort).select_related("session__plan")}
    responses = list(
        Response.objects.filter(survey__in=surveys.values())
        .order_by("survey__opens_at", "id")
        .values_list("pk", "survey_id", "role", "submitted_on")
    )
    columns: dict[tuple[int, int | None], str] = {}
    values: dict[Any, dict[tuple[int, int | None], Any]] = defaultdict(dict)
    answers = (
        Answer.objects.filter(response__survey__in=surveys.values())
        .select_related("instructor")
        .values_list(
            "response_id",
            "item_id",
            "instructor_id",
            "instructor__full_name",
            "rating",
            "not_applicable",
            "choices",
            "text",
            "review",
        )
    )
    for response_id, item_id, instructor_id, instructor_name, rating, na, choices, text, review in answers:
        key = (item_id, instructor_id)
        columns.setdefault(key, instructor_name or "")
        if na:
            value: Any = _("n/a")
        elif rating is not None:
            value = rating
        elif choices:
            value = "; ".join(choices)
        else:
            value = text if review != Answer.Review.HIDDEN else _("(hidden by the coordinator)")
        values[response_id][key] = value
    items = {i.pk: i for i in FormItem.objects.filter(pk__in={k[0] for k in columns}).select_related("form")}
    ordered = sorted(columns, key=lambda k: (items[k[0]].form.kind, items[k[0]].order, k[0], columns[k]))
    headers = [_("Round"), _("Role"), _("Day")] + [
        f"{items[item].text} — {columns[(item, person)]}" if person else items[item].text for item, person in ordered
    ]
    rows = []
    for response_id, survey_id, role, day in responses:
        survey = surveys[survey_id]
        name = survey.session.plan.title if survey.session else survey.get_kind_display()
        rows.append([name, role, day.isoformat(), *[values[response_id].get(key, "") for key in ordered]])
    return workbook_bytes(
        sheet_title=_("Responses"),
        title_lines=[_("Feedback of %(cohort)s") % {"cohort": cohort.name}, _("One anonymous row per response.")],
        headers=headers,
        rows=rows,
    )
