"""Reads for impact, every one scoped by library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import dateformat

from lentera.accounts.access import LibraryAccess
from lentera.accounts.models import Library
from lentera.impact.indicators import add_months, field_labels
from lentera.impact.models import INDICATOR_FIELDS, IndicatorImport, MonthlyIndicator
from lentera.lib.tenancy import scoped


def indicator_fields() -> dict[str, str]:
    """The indicators in their order, field name -> label in the active language."""
    return field_labels()


def indicators_for_months(*, library: Library, months: list[date]) -> dict[str, dict[date, int]]:
    """Known figures of ``months`` (first days of months), field -> month -> value, in one query.

    Every field is a key; a month whose figure is not known is absent from that field's dict
    (never zero), so a before/after comparison can say how many months it rests on.
    """
    result: dict[str, dict[date, int]] = {name: {} for name in INDICATOR_FIELDS}
    if not months:
        return result
    for row in scoped(MonthlyIndicator, library).filter(month__in=set(months)).values("month", *INDICATOR_FIELDS):
        for name in INDICATOR_FIELDS:
            if row[name] is not None:
                result[name][row["month"]] = row[name]
    return result


@dataclass(frozen=True)
class MonthFigures:
    month: date
    values: dict[str, int | None]  # every field; None = not known
    editable: bool  # False for months still to come


def indicator_year(*, library: Library, year: int, today: date) -> list[MonthFigures]:
    """The twelve months of ``year`` with their figures (one query)."""
    months = [date(year, number, 1) for number in range(1, 13)]
    kept = {
        row["month"]: row
        for row in scoped(MonthlyIndicator, library).filter(month__year=year).values("month", *INDICATOR_FIELDS)
    }
    current = today.replace(day=1)
    return [
        MonthFigures(
            month=month,
            values={name: kept.get(month, {}).get(name) for name in INDICATOR_FIELDS},
            editable=month <= current,
        )
        for month in months
    ]


def indicator_series(*, library: Library, last: date, count: int = 24) -> dict[str, Any]:
    """The ``count`` months up to ``last`` for the chart: ISO months and one list per field (None = unknown)."""
    months = [add_months(last.replace(day=1), -offset) for offset in reversed(range(count))]
    known = indicators_for_months(library=library, months=months)
    return {
        "months": [month.isoformat()[:7] for month in months],
        "month_labels": [dateformat.format(month, "M Y") for month in months],
        "series": {name: [known[name].get(month) for month in months] for name in INDICATOR_FIELDS},
    }


def indicators_all(*, library: Library) -> list[dict[str, Any]]:
    """Every month kept, oldest first (for the export)."""
    return list(scoped(MonthlyIndicator, library).order_by("month").values("month", *INDICATOR_FIELDS))


def indicator_import_get_for_user(*, access: LibraryAccess, pk: int) -> IndicatorImport:
    if not access.is_coordinator:
        raise PermissionDenied
    indicator_import = scoped(IndicatorImport, access.library).filter(pk=pk).first()
    if indicator_import is None:
        raise Http404
    return indicator_import
