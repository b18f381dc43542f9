"""The cohort's feedback as a spreadsheet: the figures of each item of each round, then its comments.

Only aggregates, as on the results page: no row holds one person's answers across items (there
are no such rows to export), and an item answered by fewer than the anonymity floor shows nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lentera.evaluation.likert import SCALE
from lentera.evaluation.models import Comments, Survey
from lentera.evaluation.selectors import survey_results
from lentera.lib.xlsx import workbook_bytes


def _figure(value: float | None, digits: int) -> Any:
    return round(value, digits) if value is not None else ""


def responses_workbook(*, cohort: Any) -> bytes:
    """One row per item (per instructor) of each round with its figures; one row per comment."""
    floor = cohort.library.anonymity_floor
    headers = [
        _("Round"),
        _("Item"),
        _("About"),
        _("Answered"),
        "n",
        _("Mean"),
        "SD",
        _("Top-2 (%)"),
        _("Bottom-2 (%)"),
        *[str(r) for r in SCALE],
        _("n/a"),
        _("Choices"),
        _("Comment"),
    ]
    blank = [""] * (len(headers) - 4)
    rows: list[list[Any]] = []
    for survey in Survey.objects.filter(cohort=cohort).select_related("session__plan").order_by("opens_at", "pk"):
        results = survey_results(survey=survey, floor=floor, comments=10**6)
        name = survey.session.plan.title if survey.session else str(survey.get_kind_display())
        for block in results.blocks:
            about = block.instructor.full_name if block.instructor else ""
            for result in block.items:
                head = [name, result.item.text, about]
                if result.hidden:
                    rows.append([*head, _("hidden: fewer than %(n)s answers") % {"n": floor}, *blank])
                    continue
                if result.stats is not None:
                    s = result.stats
                    rows.append(
                        [
                            *head,
                            result.answered,
                            s.n,
                            _figure(s.mean, 2),
                            _figure(s.sd, 2),
                            _figure(s.top2, 1),
                            _figure(s.bottom2, 1),
                            *[s.distribution[r] for r in SCALE],
                            s.not_applicable,
                            "",
                            "",
                        ]
                    )
                elif result.choice_counts:
                    choices = "; ".join(f"{option}: {n}" for option, n in result.choice_counts.items())
                    rows.append([*head, result.answered, *blank[:-2], choices, ""])
                else:
                    rows.append([*head, result.answered, *blank])
                    for comment in result.texts:
                        text = comment.text
                        if comment.review == Comments.Review.HIDDEN:
                            text = _("(hidden by the coordinator)")
                        rows.append([name, result.item.text, about, "", *blank[:-1], text])
    return workbook_bytes(
        sheet_title=_("Feedback"),
        title_lines=[
            _("Feedback of %(cohort)s") % {"cohort": cohort.name},
            _("Counts per item and comments sorted by text: no row is one person's answers."),
        ],
        headers=headers,
        rows=rows,
    )
