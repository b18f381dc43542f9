"""Writes for impact: the monthly indicators, typed in or imported from a sheet."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record
from lentera.accounts.models import Library
from lentera.impact.indicator_sheet import COLUMNS, MAX_BYTES, MAX_ROWS, check_rows, column_labels
from lentera.impact.indicators import month_label
from lentera.impact.models import INDICATOR_FIELDS, IndicatorImport, MonthlyIndicator
from lentera.lib.spreadsheet import SpreadsheetError, read_table
from lentera.lib.tenancy import scoped


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _kept(library: Library, months: list[date]) -> dict[date, dict[str, int | None]]:
    rows = scoped(MonthlyIndicator, library).filter(month__in=months).values("month", *INDICATOR_FIELDS)
    return {row.pop("month"): row for row in rows}


def _write(
    *, actor: Any, library: Library, month: date, values: Mapping[str, int | None]
) -> tuple[MonthlyIndicator, dict[str, list[int | None]]]:
    """Set ``values`` on the month's row (made when missing); returns the row and what changed."""
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"not an indicator: {sorted(unknown)}")
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("%(month)s is still to come.") % {"month": month_label(month)}})
    indicator = scoped(MonthlyIndicator, library).select_for_update().filter(month=month).first() or MonthlyIndicator(
        library=library, month=month
    )
    changes = {
        name: [getattr(indicator, name), value] for name, value in values.items() if getattr(indicator, name) != value
    }
    if not changes and indicator.pk:
        return indicator, {}
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.updated_by = _actor(actor)
    indicator.full_clean()
    indicator.save()
    return indicator, changes


@transaction.atomic
def indicator_update(
    *, actor: Any, library: Library, month: date, values: Mapping[str, int | None]
) -> MonthlyIndicator:
    """Set some figures of one month (None: not known); the others stay as they are. Audited."""
    indicator, changes = _write(actor=actor, library=library, month=month, values=values)
    if changes:
        audit_record(
            actor=actor,
            library=library,
            action="indicators.update",
            obj=indicator,
            changes={"month": [None, month.isoformat()], **changes},
        )
    return indicator


@transaction.atomic
def indicator_import_preview(*, actor: Any, library: Library, upload: Any) -> IndicatorImport:
    """Read and check a sheet of monthly figures; nothing is written to the figures yet.

    Raises SpreadsheetError (a ValidationError) when the file as a whole cannot be read.
    """
    labels = column_labels()
    present, rows = read_table(
        upload, columns=COLUMNS, required={"month": labels["month"]}, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
    )
    if not set(present) & set(INDICATOR_FIELDS):
        raise SpreadsheetError(
            _("The file has no indicator column (%(columns)s). Download the template to see the expected columns.")
            % {"columns": ", ".join(labels[name] for name in INDICATOR_FIELDS)}
        )
    checked = _check(library, rows, present)
    return IndicatorImport.objects.create(
        library=library,
        created_by=_actor(actor),
        file_name=(upload.name or "")[:255],
        columns=present,
        rows=[row.as_dict() for row in checked],
        summary=_summary(checked),
    )


def _check(library: Library, rows: list[tuple[int, dict[str, str]]], present: list[str]) -> list[Any]:
    today = timezone.localdate()
    # every month the file could name is looked up at once; reading them first costs one parse per row
    probe = check_rows(rows, present=present, kept={}, today=today)
    months = [date.fromisoformat(row.month) for row in probe if row.month]
    return check_rows(rows, present=present, kept=_kept(library, months), today=today)


def _summary(checked: list[Any]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for row in checked:
        summary[row.outcome] = summary.get(row.outcome, 0) + 1
    return summary


@transaction.atomic
def indicator_import_apply(*, actor: Any, indicator_import: IndicatorImport) -> dict[str, int]:
    """Write every valid row in one transaction: all of them, or none if anything fails.

    The rows are checked again against the figures kept now, so a cell typed in since the
    preview is compared (and overwritten, as the coordinator confirmed) like any other.
    """
    indicator_import = IndicatorImport.objects.select_for_update().get(pk=indicator_import.pk)
    if indicator_import.status != IndicatorImport.Status.PREVIEW:
        raise ValidationError(_("This sheet was already imported or cancelled."))
    library = indicator_import.library
    rows = [(row["line"], row["values"]) for row in indicator_import.rows]
    checked = _check(library, rows, indicator_import.columns)
    created = changed = 0
    for row in checked:
        if row.outcome not in ("new", "change"):
            continue
        _indicator, changes = _write(actor=actor, library=library, month=date.fromisoformat(row.month), values=row.data)
        if row.outcome == "new":
            created += 1
        elif changes:
            changed += 1
    result = {"created": created, "changed": changed, "skipped": sum(1 for r in checked if r.outcome == "error")}
    indicator_import.status = IndicatorImport.Status.IMPORTED
    indicator_import.summary = {**indicator_import.summary, "applied": result}
    indicator_import.save(update_fields=["status", "summary"])
    audit_record(
        actor=actor,
        library=library,
        action="indicators.import",
        obj=indicator_import,
        changes={
            "months": [None, sorted(r.month[:7] for r in checked if r.outcome in ("new", "change"))],
            "changed": [None, {r.month[:7]: r.changes for r in checked if r.outcome == "change"}],
        },
    )
    return result


@transaction.atomic
def indicator_import_cancel(*, actor: Any, indicator_import: IndicatorImport) -> None:
    indicator_import = IndicatorImport.objects.select_for_update().get(pk=indicator_import.pk)
    if indicator_import.status != IndicatorImport.Status.PREVIEW:
        raise ValidationError(_("This sheet was already imported or cancelled."))
    indicator_import.status, indicator_import.rows = IndicatorImport.Status.CANCELLED, []
    indicator_import.save(update_fields=["status", "rows"])
    audit_record(
        actor=actor,
        library=indicator_import.library,
        action="indicators.import_cancel",
        obj=indicator_import,
        changes={"file": [indicator_import.file_name, None]},
    )
