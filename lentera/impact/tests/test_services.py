"""Writes of impact: one success and one test per failure for each service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lentera.accounts.models import AuditEntry
from lentera.impact import services
from lentera.impact.models import IndicatorImport, MonthlyIndicator
from lentera.impact.tests.factories import MonthlyIndicatorFactory, csv_upload, xlsx_upload
from lentera.lib.spreadsheet import SpreadsheetError

pytestmark = pytest.mark.django_db
HEADER = "Bulan,Kunjungan,Peminjaman,Anggota baru,Kegiatan,Peserta kegiatan,Pertanyaan referensi\n"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


class TestIndicatorUpdate:
    def test_creates_the_month_and_audits(self, coordinator: Any) -> None:
        row = services.indicator_update(
            actor=coordinator.user, library=coordinator.library, month=date(2025, 3, 1), values={"visits": 3120}
        )
        assert (row.visits, row.loans, row.updated_by) == (3120, None, coordinator.user)
        entry = AuditEntry.objects.get(action="indicators.update")
        assert entry.library == coordinator.library
        assert entry.changes == {"month": [None, "2025-03-01"], "visits": [None, 3120]}

    def test_changes_only_the_given_figures(self, coordinator: Any) -> None:
        kept = MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        services.indicator_update(
            actor=coordinator.user, library=coordinator.library, month=kept.month, values={"loans": 1900}
        )
        kept.refresh_from_db()
        assert (kept.visits, kept.loans) == (3500, 1900)
        assert AuditEntry.objects.get(action="indicators.update").changes["loans"] == [1800, 1900]

    def test_empty_means_not_known(self, coordinator: Any) -> None:
        kept = MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        services.indicator_update(
            actor=coordinator.user, library=coordinator.library, month=kept.month, values={"events": None}
        )
        kept.refresh_from_db()
        assert kept.events is None

    def test_the_same_figure_writes_no_audit_row(self, coordinator: Any) -> None:
        kept = MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        services.indicator_update(
            actor=coordinator.user, library=coordinator.library, month=kept.month, values={"visits": 3500}
        )
        assert not AuditEntry.objects.filter(action="indicators.update").exists()

    def test_a_month_still_to_come_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError, match="still to come"):
            services.indicator_update(
                actor=coordinator.user, library=coordinator.library, month=date(2999, 1, 1), values={"visits": 1}
            )
        assert not MonthlyIndicator.objects.exists()

    def test_a_negative_figure_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError):
            services.indicator_update(
                actor=coordinator.user, library=coordinator.library, month=date(2025, 3, 1), values={"visits": -1}
            )
        assert not MonthlyIndicator.objects.exists()

    def test_a_month_not_on_its_first_day_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(ValidationError, match="first day"):
            services.indicator_update(
                actor=coordinator.user, library=coordinator.library, month=date(2025, 3, 5), values={"visits": 1}
            )

    def test_an_unknown_field_is_a_programming_error(self, coordinator: Any) -> None:
        with pytest.raises(ValueError, match="not an indicator"):
            services.indicator_update(
                actor=coordinator.user, library=coordinator.library, month=date(2025, 3, 1), values={"library": 1}
            )

    def test_the_database_keeps_one_row_per_month(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            MonthlyIndicator.objects.create(library=coordinator.library, month=date(2025, 3, 1))

    def test_the_database_keeps_first_days_only(self, coordinator: Any) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            MonthlyIndicator.objects.create(library=coordinator.library, month=date(2025, 3, 2))


def _errors(indicator_import: IndicatorImport) -> list[tuple[int, str, str]]:
    return [(r["line"], column, message) for r in indicator_import.rows for column, message in r["errors"]]


class TestImport:
    def test_preview_writes_nothing_and_names_row_and_column(self, coordinator: Any) -> None:
        upload = csv_upload(
            HEADER
            + "2025-01,3500,1800,100,6,220,150\n"
            + "2025-13,3500,1800,100,6,220,150\n"
            + "2025-02,-4,1800,100,6,220,150\n"
            + "2025-03,3500,17.5,100,6,220,150\n"
            + "2025-04,3500,1800,100,6,220,150\n"
            + "2025-04,3600,1800,100,6,220,150\n"
        )
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        errors = _errors(preview)
        assert not MonthlyIndicator.objects.exists()
        assert (3, "Month", "“2025-13” is not a month. Write it as YYYY-MM, for example 2025-03.") in errors
        assert (4, "Visits", "A count cannot be negative.") in errors
        assert (5, "Loans", "A count is a whole number; “17.5” is not.") in errors
        duplicates = [(line, column) for line, column, message in errors if "more than once" in message]
        assert duplicates == [(6, "Month"), (7, "Month")]
        assert preview.summary == {"new": 1, "error": 5}

    def test_apply_writes_all_valid_rows_and_skips_the_bad_ones(self, coordinator: Any) -> None:
        upload = csv_upload(HEADER + "2025-01,3500,1800,100,6,220,\n2025-02,x,1,1,1,1,1\n2025-03,3600,,,,,\n")
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        result = services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
        assert result == {"created": 2, "changed": 0, "skipped": 1}
        kept = {m.month: m for m in MonthlyIndicator.objects.filter(library=coordinator.library)}
        assert set(kept) == {date(2025, 1, 1), date(2025, 3, 1)}
        assert (kept[date(2025, 1, 1)].reference_questions, kept[date(2025, 3, 1)].loans) == (None, None)
        preview.refresh_from_db()
        assert preview.status == IndicatorImport.Status.IMPORTED
        assert AuditEntry.objects.get(action="indicators.import").changes["months"] == [None, ["2025-01", "2025-03"]]

    def test_existing_months_change_old_to_new_and_empty_cells_keep_the_figure(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 1, 1))
        upload = csv_upload(HEADER + "2025-01,3600,,100,6,220,150\n")
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        assert preview.rows[0]["outcome"] == "change"
        assert preview.rows[0]["changes"] == {"visits": [3500, 3600]}
        assert MonthlyIndicator.objects.get().visits == 3500  # not until confirmed
        services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
        kept = MonthlyIndicator.objects.get()
        assert (kept.visits, kept.loans) == (3600, 1800)

    def test_an_unchanged_month_is_left_alone(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 1, 1))
        upload = csv_upload(HEADER + "2025-01,3500,1800,100,6,220,150\n")
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        assert preview.summary == {"same": 1}

    def test_excel_dates_and_numbers(self, coordinator: Any) -> None:
        upload = xlsx_upload(
            [
                ["Bulan", "Kunjungan"],
                [datetime(2025, 5, 1), 4100.0],  # noqa: DTZ001 - an Excel date has no time zone
                ["2025-06", 3900],
                [None, None],
                ["2025-07", "3.800"],
            ]
        )
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        assert [(r["line"], r["month"], r["data"]) for r in preview.rows] == [
            (2, "2025-05-01", {"visits": 4100}),
            (3, "2025-06-01", {"visits": 3900}),
            (5, "2025-07-01", {"visits": 3800}),
        ]

    def test_only_this_librarys_months_are_compared(self, coordinator: Any, coordinator_b: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator_b.library, month=date(2025, 1, 1))
        upload = csv_upload(HEADER + "2025-01,3600,,,,,\n")
        preview = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
        assert MonthlyIndicator.objects.get(library=coordinator_b.library).visits == 3500
        assert MonthlyIndicator.objects.get(library=coordinator.library).visits == 3600

    def test_a_file_without_figures_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(SpreadsheetError, match="no indicator column"):
            services.indicator_import_preview(
                actor=coordinator.user, library=coordinator.library, upload=csv_upload("Bulan,Catatan\n2025-01,x\n")
            )

    def test_a_file_without_the_month_column_is_refused(self, coordinator: Any) -> None:
        with pytest.raises(SpreadsheetError, match="Month"):
            services.indicator_import_preview(
                actor=coordinator.user, library=coordinator.library, upload=csv_upload("Kunjungan\n3500\n")
            )

    def test_applying_twice_is_refused(self, coordinator: Any) -> None:
        preview = services.indicator_import_preview(
            actor=coordinator.user, library=coordinator.library, upload=csv_upload(HEADER + "2025-01,1,1,1,1,1,1\n")
        )
        services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
        with pytest.raises(ValidationError, match="already imported"):
            services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)

    def test_all_or_nothing(self, coordinator: Any, monkeypatch: Any) -> None:
        preview = services.indicator_import_preview(
            actor=coordinator.user,
            library=coordinator.library,
            upload=csv_upload(HEADER + "2025-01,1,1,1,1,1,1\n2025-02,2,2,2,2,2,2\n"),
        )
        real = services._write
        calls = []

        def failing(**kwargs: Any) -> Any:
            calls.append(kwargs["month"])
            if len(calls) == 2:
                raise ValidationError("boom")
            return real(**kwargs)

        monkeypatch.setattr(services, "_write", failing)
        with pytest.raises(ValidationError):
            services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
        assert not MonthlyIndicator.objects.exists()
        preview.refresh_from_db()
        assert preview.status == IndicatorImport.Status.PREVIEW

    def test_cancel(self, coordinator: Any) -> None:
        preview = services.indicator_import_preview(
            actor=coordinator.user, library=coordinator.library, upload=csv_upload(HEADER + "2025-01,1,1,1,1,1,1\n")
        )
        services.indicator_import_cancel(actor=coordinator.user, indicator_import=preview)
        preview.refresh_from_db()
        assert (preview.status, preview.rows) == (IndicatorImport.Status.CANCELLED, [])
        assert not MonthlyIndicator.objects.exists()
        assert AuditEntry.objects.filter(action="indicators.import_cancel").count() == 1
        with pytest.raises(ValidationError, match="already imported or cancelled"):
            services.indicator_import_cancel(actor=coordinator.user, indicator_import=preview)
        with pytest.raises(ValidationError, match="already imported or cancelled"):
            services.indicator_import_apply(actor=coordinator.user, indicator_import=preview)
