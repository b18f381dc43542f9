"""Impact pages: the library's monthly indicators (typed in place, imported, exported, charted)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.impact import selectors, services
from lentera.impact.forms import IndicatorUploadForm
from lentera.impact.indicator_sheet import export_xlsx, template_xlsx
from lentera.impact.indicators import FIRST_YEAR, add_months, field_labels, month_label, parse_count
from lentera.impact.models import INDICATOR_FIELDS
from lentera.lib.downloads import download
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

CHART_MONTHS = 24


def _year(request: AccessRequest, today: date) -> int:
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


@role_required(Role.COORDINATOR)
def indicators(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    today = timezone.localdate()
    year = _year(request, today)
    chosen = request.GET.get("indikator", "visits")
    labels = selectors.indicator_fields()
    return render(
        request,
        "impact/indicators.html",
        {
            "year": year,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < today.year else None,
            "rows": [
                (figures, [(name, labels[name], figures.values[name]) for name in INDICATOR_FIELDS])
                for figures in selectors.indicator_year(library=library, year=year, today=today)
            ],
            "fields": labels,
            "chart": {
                **selectors.indicator_series(library=library, last=today, count=CHART_MONTHS),
                "labels": labels,
                "locale": request.LANGUAGE_CODE,
            },
            "chosen": chosen if chosen in INDICATOR_FIELDS else "visits",
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def indicator_save(request: AccessRequest, year: int, month: int) -> HttpResponse:
    """One month's figures as they are typed (HTMX, one cell at a time); the reply says they were kept."""
    library = request.access.current_library
    try:
        when = date(year, month, 1)
    except ValueError:
        return HttpResponseBadRequest(_("That month does not exist."))
    given = [name for name in INDICATOR_FIELDS if name in request.POST]
    if not given:
        return HttpResponseBadRequest(_("No figure was sent."))
    labels = field_labels()
    values: dict[str, int | None] = {}
    errors: list[tuple[str, str]] = []
    for name in given:
        try:
            values[name] = parse_count(request.POST[name])
        except ValueError as error:
            errors.append((name, str(error)))
    if not errors:
        try:
            services.indicator_update(actor=request.user, library=library, month=when, values=values)
        except ValidationError as error:
            errors.extend((name, message) for name in given for message in error.messages[:1])
    messages_shown = [
        _("%(month)s, %(column)s: %(problem)s") % {"month": month_label(when), "column": labels[name], "problem": text}
        for name, text in errors
    ]
    if not request.htmx:
        for text in messages_shown:
            messages.error(request, text)
        if not errors:
            messages.success(request, _("Saved"))
        return redirect(f"{reverse('impact:indicators')}?tahun={when.year}")
    return render(
        request,
        "impact/indicators.html#save_state",
        {
            "errors": messages_shown,
            "invalid": " ".join(name for name, _text in errors),
            "valid": " ".join(name for name in given if name not in {n for n, _t in errors}),
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_upload(request: AccessRequest) -> HttpResponse:
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_import = services.indicator_import_preview(
                actor=request.user, library=request.access.current_library, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect(indicator_import)
    return render(request, "impact/import_upload.html", {"form": form})


@role_required(Role.COORDINATOR)
def import_detail(request: AccessRequest, pk: int) -> HttpResponse:
    indicator_import = selectors.indicator_import_get_for_user(access=request.access, pk=pk)
    labels = field_labels()
    rows = indicator_import.rows
    ready = [r for r in rows if r["outcome"] in ("new", "change")]
    return render(
        request,
        "impact/import_detail.html",
        {
            "indicator_import": indicator_import,
            "errors": [
                (r["line"], r["values"]["month"], column, message) for r in rows for column, message in r["errors"]
            ],
            "ready": ready,
            "changes": [
                (
                    month_label(date.fromisoformat(r["month"])),
                    [(labels[name], old, new) for name, (old, new) in r["changes"].items()],
                )
                for r in ready
                if r["outcome"] == "change"
            ],
            "new_rows": [
                (month_label(date.fromisoformat(r["month"])), [r["data"].get(name) for name in INDICATOR_FIELDS])
                for r in ready
                if r["outcome"] == "new"
            ],
            "fields": labels,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def import_confirm(request: AccessRequest, pk: int) -> HttpResponse:
    indicator_import = selectors.indicator_import_get_for_user(access=request.access, pk=pk)
    try:
        result = services.indicator_import_apply(actor=request.user, indicator_import=indicator_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(indicator_import)
    messages.success(
        request,
        _("Imported: %(created)s new months, %(changed)s months changed.")
        % {"created": result["created"], "changed": result["changed"]},
    )
    return redirect("impact:indicators")


@role_required(Role.COORDINATOR)
@require_POST
def import_cancel(request: AccessRequest, pk: int) -> HttpResponse:
    indicator_import = selectors.indicator_import_get_for_user(access=request.access, pk=pk)
    try:
        services.indicator_import_cancel(actor=request.user, indicator_import=indicator_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The sheet was not imported; nothing changed."))
    return redirect("impact:indicators")


@role_required(Role.COORDINATOR)
def indicator_template(request: AccessRequest) -> HttpResponse:
    last = add_months(timezone.localdate().replace(day=1), -1)
    months = [add_months(last, -offset) for offset in reversed(range(12))]
    return download(template_xlsx(months=months), filename="templat-indikator.xlsx", content_type=XLSX_CONTENT_TYPE)


@role_required(Role.COORDINATOR)
def indicator_export(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    return download(
        export_xlsx(selectors.indicators_all(library=library)),
        filename=f"indikator-{library.slug}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
