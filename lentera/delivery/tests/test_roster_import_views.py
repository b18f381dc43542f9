"""Pages of the participant-list import: upload, preview, confirm, cancel and the template download."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from lentera.accounts.models import AuditEntry, FunctionalLevel, Membership, User
from lentera.delivery import services
from lentera.delivery.models import Cohort, Enrolment, RosterImport
from lentera.delivery.tests.factories import CohortFactory
from lentera.lib.xlsx import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

HEADERS = ["Nama", "Email", "NIP", "Unit kerja", "Jabatan fungsional", "Telepon"]
GOOD = ["Siti Aminah, S.IP.", "siti.aminah@contoh.id", "198703152010012003", "Layanan Referensi", "Ahli Pertama", ""]
BAD_PHONE = ["Budi Santoso", "budi@contoh.id", "", "", "", "12ab"]


def xlsx(*rows: list[Any], name: str = "peserta.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (HEADERS, *rows):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Enrolment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def cohort(coordinator: Any) -> Cohort:
    return CohortFactory(programme__library=coordinator.library, capacity=30)


@pytest.fixture
def pending(coordinator: Any, cohort: Cohort) -> RosterImport:
    """An import of library A waiting for the coordinator's decision."""
    return services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=xlsx(GOOD, BAD_PHONE))


def upload_url(cohort: Cohort) -> str:
    return reverse("delivery:roster_import_upload", args=[cohort.pk])


def detail_url(roster_import: RosterImport) -> str:
    return reverse("delivery:roster_import_detail", args=[roster_import.pk])


def confirm_url(roster_import: RosterImport) -> str:
    return reverse("delivery:roster_import_confirm", args=[roster_import.pk])


def cancel_url(roster_import: RosterImport) -> str:
    return reverse("delivery:roster_import_cancel", args=[roster_import.pk])


# The coordinator of the library ------------------------------------------------------------------


def test_the_upload_page(coordinator: Any, cohort: Cohort) -> None:
    response = coordinator.client.get(upload_url(cohort))
    assert response.status_code == 200
    assert "form" in response.context
    assert reverse("delivery:roster_template") in response.content.decode()


def test_upload_with_a_bad_row_shows_the_problem_in_indonesian_and_writes_nothing(
    coordinator: Any, cohort: Cohort
) -> None:
    before = counts()

    response = coordinator.client.post(upload_url(cohort), {"file": xlsx(GOOD, BAD_PHONE)})

    roster_import = RosterImport.objects.get(cohort=cohort)
    assert response.status_code == 302
    assert response["Location"] == detail_url(roster_import)
    assert counts() == before
    assert roster_import.status == RosterImport.Status.PREVIEW

    page = coordinator.client.get(detail_url(roster_import))
    assert page.status_code == 200
    english = "“%(value)s” is not a phone number." % {"value": "12ab"}  # noqa: UP031 - the msgid as it is
    with translation.override("id"):
        column = gettext("Phone")
        message = gettext("“%(value)s” is not a phone number.") % {"value": "12ab"}
    assert message != english
    assert column != "Phone"
    html = page.content.decode()
    assert f"<tr><td>3</td><td>{escape(column)}</td><td>{escape(message)}</td></tr>" in html
    assert "Siti Aminah, S.IP." in html
    assert counts() == before


def test_confirm_enrols_the_valid_rows_and_returns_to_the_cohort(
    coordinator: Any, cohort: Cohort, pending: RosterImport
) -> None:
    response = coordinator.client.post(confirm_url(pending))

    assert response.status_code == 302
    assert response["Location"] == cohort.get_absolute_url()
    [enrolment] = Enrolment.objects.filter(cohort=cohort).select_related("user")
    assert (enrolment.user.email, enrolment.status) == ("siti.aminah@contoh.id", Enrolment.Status.ENROLLED)
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.IMPORTED


def test_confirming_twice_changes_nothing_the_second_time(
    coordinator: Any, cohort: Cohort, pending: RosterImport
) -> None:
    coordinator.client.post(confirm_url(pending))
    before = counts()

    response = coordinator.client.post(confirm_url(pending))

    assert response.status_code == 302
    assert response["Location"] == detail_url(pending)
    assert counts() == before


def test_import_nothing_writes_nothing(coordinator: Any, cohort: Cohort, pending: RosterImport) -> None:
    before = counts()

    response = coordinator.client.post(cancel_url(pending))

    assert response.status_code == 302
    assert response["Location"] == cohort.get_absolute_url()
    assert counts()[:3] == before[:3]
    assert AuditEntry.objects.filter(action="roster.cancel").count() == 1  # the decision is recorded
    pending.refresh_from_db()
    assert (pending.status, pending.rows) == (RosterImport.Status.CANCELLED, [])


def test_a_damaged_file_shows_the_upload_page_again_with_the_message_on_the_file(
    coordinator: Any, cohort: Cohort
) -> None:
    damaged = SimpleUploadedFile("peserta.xlsx", b"PK\x03\x04" + b"rusak" * 100)

    response = coordinator.client.post(upload_url(cohort), {"file": damaged})

    assert response.status_code == 200
    english = "This Excel file cannot be read; it may be damaged. Save it again as .xlsx."
    with translation.override("id"):
        message = gettext(english)
    assert message != english
    assert response.context["form"].errors["file"] == [message]
    assert escape(message) in response.content.decode()
    assert not RosterImport.objects.exists()


def test_an_upload_without_a_file_is_refused_on_the_form(coordinator: Any, cohort: Cohort) -> None:
    response = coordinator.client.post(upload_url(cohort), {"file": ""})  # a browser sends the empty field
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not RosterImport.objects.exists()


def test_the_template_is_a_real_workbook_with_the_columns_and_the_levels(coordinator: Any) -> None:
    response = coordinator.client.get(reverse("delivery:roster_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "templat-peserta.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    participants, levels = book.worksheets[:2]
    assert [cell.value for cell in participants[1]] == HEADERS
    listed = [row[0] for row in levels.iter_rows(min_row=2, values_only=True)]
    assert listed == list(FunctionalLevel.objects.values_list("name", flat=True))
    assert "Ahli Pertama" in listed


def test_the_template_as_downloaded_imports_cleanly(coordinator: Any, cohort: Cohort) -> None:
    template = coordinator.client.get(reverse("delivery:roster_template")).content

    coordinator.client.post(upload_url(cohort), {"file": SimpleUploadedFile("templat-peserta.xlsx", template)})

    roster_import = RosterImport.objects.get(cohort=cohort)
    assert roster_import.summary == {"new": 1}
    [row] = roster_import.rows
    assert (row["line"], row["values"]["nip"], row["errors"]) == (2, "198703152010012003", [])


# Another library, other roles, anonymous ---------------------------------------------------------


def test_another_librarys_coordinator_cannot_see_or_decide_the_import(
    coordinator_b: Any, cohort: Cohort, pending: RosterImport
) -> None:
    before = counts()
    client = coordinator_b.client

    assert client.get(upload_url(cohort)).status_code == 404
    assert client.post(upload_url(cohort), {"file": xlsx(GOOD)}).status_code == 404
    assert client.get(detail_url(pending)).status_code == 404
    assert client.post(confirm_url(pending)).status_code == 404
    assert client.post(cancel_url(pending)).status_code == 404

    assert counts() == before
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEW
    assert RosterImport.objects.count() == 1


@pytest.mark.parametrize("persona", ["participant", "instructor", "partner"])
def test_other_roles_are_refused(request: Any, persona: str, cohort: Cohort, pending: RosterImport) -> None:
    client = request.getfixturevalue(persona).client
    before = counts()

    assert client.get(upload_url(cohort)).status_code == 403
    assert client.post(upload_url(cohort), {"file": xlsx(GOOD)}).status_code == 403
    assert client.get(detail_url(pending)).status_code == 403
    assert client.post(confirm_url(pending)).status_code == 403
    assert client.post(cancel_url(pending)).status_code == 403
    assert client.get(reverse("delivery:roster_template")).status_code == 403

    assert counts() == before
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEW


def test_anonymous_is_sent_to_login(anon: Any, cohort: Cohort, pending: RosterImport) -> None:
    login = reverse("accounts:login")
    responses = [
        anon.client.get(upload_url(cohort)),
        anon.client.post(upload_url(cohort), {"file": xlsx(GOOD)}),
        anon.client.get(detail_url(pending)),
        anon.client.post(confirm_url(pending)),
        anon.client.post(cancel_url(pending)),
        anon.client.get(reverse("delivery:roster_template")),
    ]
    assert [r.status_code for r in responses] == [302] * 6
    assert all(r["Location"].startswith(login) for r in responses)
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEW
    assert RosterImport.objects.count() == 1


def test_confirm_and_cancel_need_a_post(coordinator: Any, pending: RosterImport) -> None:
    assert coordinator.client.get(confirm_url(pending)).status_code == 405
    assert coordinator.client.get(cancel_url(pending)).status_code == 405
    pending.refresh_from_db()
    assert pending.status == RosterImport.Status.PREVIEW


# Query count -------------------------------------------------------------------------------------

PREVIEW_QUERIES = 4  # measured; the same for 30 rows as for 300


def big_import(coordinator: Any, cohort: Cohort, size: int) -> RosterImport:
    """``size`` rows: mostly new people, every tenth with a bad phone, every seventh already known."""
    rows = []
    for n in range(size):
        email = f"peserta{n}@contoh.id"
        if n % 7 == 0:
            User.objects.create(username=email, email=email, full_name=f"Peserta {n}")
        rows.append([f"Peserta {n}", email, "", "Layanan", "Ahli Muda", "12ab" if n % 10 == 0 else ""])
    return services.roster_import_preview(actor=coordinator.user, cohort=cohort, upload=xlsx(*rows))


@pytest.mark.parametrize("size", [30, 300])
def test_the_preview_page_query_count_does_not_grow_with_the_rows(
    coordinator: Any, cohort: Cohort, size: int, django_assert_num_queries: Any
) -> None:
    roster_import = big_import(coordinator, cohort, size)
    assert len(roster_import.rows) == size
    coordinator.client.get(detail_url(roster_import))  # warm the session and caches

    with django_assert_num_queries(PREVIEW_QUERIES):
        response = coordinator.client.get(detail_url(roster_import))

    assert response.status_code == 200
