"""Impact pages: who may open them, saving a cell, the import path, downloads, the page's query count."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from lentera.impact import services
from lentera.impact.models import IndicatorImport, MonthlyIndicator
from lentera.impact.tests.factories import MonthlyIndicatorFactory, csv_upload

pytestmark = pytest.mark.django_db
# Every request starts with three queries: the session, the user and their memberships.
PAGE_QUERIES = 3 + 1 + 1  # the year's months, the chart's 24 months
PAGE = reverse("impact:indicators")
HTMX = {"HTTP_HX_REQUEST": "true"}


def id_(message: str) -> str:
    with translation.override("id"):
        return gettext(message)


def save_url(month: date) -> str:
    return reverse("impact:indicator_save", args=[month.year, month.month])


@pytest.fixture
def preview(coordinator: Any) -> IndicatorImport:
    upload = csv_upload("Bulan,Kunjungan\n2025-01,3500\n")
    return services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)


class TestAccess:
    @pytest.mark.parametrize(
        ("name", "status"),
        [
            ("coordinator_a", 200),
            ("instructor_a", 403),
            ("participant_a", 403),
            ("partner_a", 403),
            ("coordinator_b", 200),
        ],
    )
    def test_the_page(self, personas: dict[str, Any], name: str, status: int) -> None:
        assert personas[name].client.get(PAGE).status_code == status

    def test_anonymous_is_sent_to_login(self, anon: Any) -> None:
        response = anon.client.get(PAGE)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_another_librarys_import_is_missing(self, coordinator_b: Any, preview: IndicatorImport) -> None:
        for name in ("impact:import_detail", "impact:import_confirm", "impact:import_cancel"):
            url = reverse(name, args=[preview.pk])
            response = coordinator_b.client.post(url) if "detail" not in name else coordinator_b.client.get(url)
            assert response.status_code == 404, name
        preview.refresh_from_db()
        assert preview.status == IndicatorImport.Status.PREVIEW

    def test_a_cell_goes_to_the_coordinators_own_library(self, coordinator_b: Any, coordinator: Any) -> None:
        coordinator_b.client.post(save_url(date(2025, 1, 1)), {"visits": "10"}, **HTMX)
        assert MonthlyIndicator.objects.get().library == coordinator_b.library

    def test_an_instructor_cannot_save(self, instructor: Any) -> None:
        assert instructor.client.post(save_url(date(2025, 1, 1)), {"visits": "10"}).status_code == 403
        assert not MonthlyIndicator.objects.exists()


class TestPage:
    def test_the_year_and_the_chart(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1), visits=3120, events=None)
        page = coordinator.client.get(PAGE, {"tahun": 2025}).content.decode()
        assert 'value="3120"' in page and 'id="events-2025-03"' in page
        assert 'tabindex="0" role="region"' in page
        found = re.search(r'id="indicator-chart-data"[^>]*>(.*?)</script>', page, re.S)
        assert found is not None
        data = json.loads(found[1])
        assert len(data["months"]) == 24 and set(data["series"]) == set(data["labels"])

    def test_a_year_out_of_range_shows_this_year(self, coordinator: Any) -> None:
        response = coordinator.client.get(PAGE, {"tahun": "3000"})
        assert response.context["year"] == timezone.localdate().year
        assert coordinator.client.get(PAGE, {"tahun": "x"}).context["year"] == timezone.localdate().year

    @pytest.mark.parametrize("months", [0, 24])
    def test_queries(self, coordinator: Any, months: int, django_assert_num_queries: Any) -> None:
        start = date(timezone.localdate().year - 1, 1, 1)
        for offset in range(months):
            month = date(start.year + offset // 12, offset % 12 + 1, 1)
            MonthlyIndicatorFactory(library=coordinator.library, month=month)
        coordinator.client.get(reverse("dashboard"))  # the first request of a session also writes the session
        with django_assert_num_queries(PAGE_QUERIES):
            assert coordinator.client.get(PAGE).status_code == 200

    def test_the_menu_links_the_page_for_coordinators_only(self, coordinator: Any, instructor: Any) -> None:
        assert f'href="{PAGE}"' in coordinator.client.get(reverse("dashboard")).content.decode()
        assert f'href="{PAGE}"' not in instructor.client.get(reverse("dashboard")).content.decode()


class TestSaveCell:
    def test_saved(self, coordinator: Any) -> None:
        response = coordinator.client.post(save_url(date(2025, 3, 1)), {"visits": "3.120"}, **HTMX)
        assert response.status_code == 200
        assert id_("Saved") in response.content.decode() and 'data-valid="visits"' in response.content.decode()
        assert MonthlyIndicator.objects.get().visits == 3120

    def test_emptied_is_not_known(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        coordinator.client.post(save_url(date(2025, 3, 1)), {"loans": ""}, **HTMX)
        assert MonthlyIndicator.objects.get().loans is None

    def test_an_error_names_the_month_and_the_column(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 3, 1))
        response = coordinator.client.post(save_url(date(2025, 3, 1)), {"visits": "-5"}, **HTMX)
        page = response.content.decode()
        with translation.override("id"):
            month = dateformat.format(date(2025, 3, 1), "F Y")
        assert month == "Maret 2025"
        assert f"{month}, {id_('Visits')}: {id_('A count cannot be negative.')}" in page
        assert 'data-invalid="visits"' in page
        assert MonthlyIndicator.objects.get().visits == 3500

    def test_a_month_still_to_come(self, coordinator: Any) -> None:
        response = coordinator.client.post(save_url(date(2999, 1, 1)), {"visits": "1"}, **HTMX)
        assert 'data-invalid="visits"' in response.content.decode()
        assert not MonthlyIndicator.objects.exists()

    def test_nothing_sent_or_no_such_month(self, coordinator: Any) -> None:
        assert coordinator.client.post(save_url(date(2025, 3, 1)), {}, **HTMX).status_code == 400
        assert coordinator.client.post("/dampak/indikator/2025/13/", {"visits": "1"}).status_code == 400

    def test_without_htmx_back_to_the_year(self, coordinator: Any) -> None:
        response = coordinator.client.post(save_url(date(2025, 3, 1)), {"visits": "12"})
        assert response.status_code == 302 and response["Location"].endswith("?tahun=2025")


class TestImport:
    def test_upload_preview_confirm(self, coordinator: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 1, 1))
        upload = csv_upload("Bulan,Kunjungan,Peminjaman\n2025-01,3600,\n2025-02,abc,10\n2025-03,3700,1900\n")
        response = coordinator.client.post(reverse("impact:import_upload"), {"file": upload})
        indicator_import = IndicatorImport.objects.get()
        assert response["Location"] == indicator_import.get_absolute_url()
        page = coordinator.client.get(response["Location"]).content.decode()
        assert "<td>3</td><td>2025-02</td><td>" + id_("Visits") + "</td>" in page
        assert "3500 → 3600" in page  # the month that changes, old → new
        assert MonthlyIndicator.objects.count() == 1 and MonthlyIndicator.objects.get().visits == 3500
        response = coordinator.client.post(reverse("impact:import_confirm", args=[indicator_import.pk]))
        assert response["Location"] == PAGE
        kept = {m.month: m.visits for m in MonthlyIndicator.objects.all()}
        assert kept == {date(2025, 1, 1): 3600, date(2025, 3, 1): 3700}

    def test_a_file_that_cannot_be_read(self, coordinator: Any) -> None:
        response = coordinator.client.post(reverse("impact:import_upload"), {"file": csv_upload("Nama\nBudi\n")})
        assert response.status_code == 200 and "errorlist" in response.content.decode()
        assert not IndicatorImport.objects.exists()

    def test_cancel(self, coordinator: Any, preview: IndicatorImport) -> None:
        coordinator.client.post(reverse("impact:import_cancel", args=[preview.pk]))
        preview.refresh_from_db()
        assert preview.status == IndicatorImport.Status.CANCELLED and not MonthlyIndicator.objects.exists()

    def test_confirming_twice(self, coordinator: Any, preview: IndicatorImport) -> None:
        coordinator.client.post(reverse("impact:import_confirm", args=[preview.pk]))
        response = coordinator.client.post(reverse("impact:import_confirm", args=[preview.pk]))
        assert response["Location"] == preview.get_absolute_url()


class TestDownloads:
    def test_template(self, coordinator: Any) -> None:
        response = coordinator.client.get(reverse("impact:indicator_template"))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
        assert rows[0] == (
            "Bulan",
            "Kunjungan",
            "Peminjaman",
            "Anggota baru",
            "Kegiatan",
            "Peserta kegiatan",
            "Pertanyaan referensi",
        )
        assert len(rows) == 13 and re.fullmatch(r"\d{4}-\d{2}", rows[1][0])
        assert "templat-indikator.xlsx" in response["Content-Disposition"]

    def test_export_imports_back_unchanged(self, coordinator: Any, coordinator_b: Any) -> None:
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 1, 1), loans=None)
        MonthlyIndicatorFactory(library=coordinator.library, month=date(2025, 2, 1))
        MonthlyIndicatorFactory(library=coordinator_b.library, month=date(2025, 3, 1))
        response = coordinator.client.get(reverse("impact:indicator_export"))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
        assert rows[1:] == [("2025-01", 3500, None, 100, 6, 220, 150), ("2025-02", 3500, 1800, 100, 6, 220, 150)]
        upload = csv_upload("x")
        upload.file = io.BytesIO(response.content)
        upload.name, upload.size = "ekspor.xlsx", len(response.content)
        again = services.indicator_import_preview(actor=coordinator.user, library=coordinator.library, upload=upload)
        assert again.summary == {"same": 2}
