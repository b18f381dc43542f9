"""The URL × role matrix: every URL pattern of the project, every persona, the expected outcome.

A URL without a declared row fails ``test_every_url_is_declared``, so each new page must say
who may open it. Objects in the URLs belong to library A; library B's coordinator must get 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lentera.accounts.models import Membership
from lentera.accounts.tests.factories import UserFactory
from lentera.assessment import assignment_services, exam_services
from lentera.assessment.services import question_import_preview, question_save
from lentera.assessment.tests.factories import make_rubric
from lentera.certificates.models import IssueRun
from lentera.certificates.tests.factories import CertificateFactory
from lentera.curriculum.models import Material
from lentera.curriculum.tests.factories import (
    CompetencyFactory,
    ModuleFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    SessionPlanFactory,
)
from lentera.delivery import services as delivery_services
from lentera.evaluation import services as evaluation_services
from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import Comments as EvaluationComments
from lentera.evaluation.tallies import comment_digest
from lentera.impact.services import indicator_import_preview

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT, BAD_REQUEST, ADMIN_LOGIN = (
    "200",
    "login",
    "403",
    "404",
    "302",
    "400",
    "admin-login",
)
PERSONAS = ["coordinator_a", "instructor_a", "participant_a", "partner_a", "coordinator_b", "anon"]


def row(
    coordinator_a: str, instructor_a: str, participant_a: str, partner_a: str, coordinator_b: str, anon: str
) -> dict[str, str]:
    return dict(
        zip(
            PERSONAS,
            [coordinator_a, instructor_a, participant_a, partner_a, coordinator_b, anon],
            strict=True,
        )
    )


EVERYONE = row(OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(OK, OK, OK, OK, OK, LOGIN)
COORDINATOR_PAGE = row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, LOGIN)
COORDINATOR_OBJECT = row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN)
STAFF_PAGE = row(OK, OK, OK, FORBIDDEN, OK, LOGIN)
STAFF_OBJECT = row(OK, OK, OK, FORBIDDEN, MISSING, LOGIN)
COORDINATOR_WRITE = row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN)
AUTHOR_PAGE = row(OK, OK, FORBIDDEN, FORBIDDEN, OK, LOGIN)
AUTHOR_OBJECT = row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN)
PARTICIPANT_PAGE = row(FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, LOGIN)

# url name -> (method, expected outcome per persona, kwargs from the library-A objects)
Kwargs = Callable[[dict[str, Any]], dict[str, Any]]
MATRIX: dict[str, tuple[str, dict[str, str], Kwargs | None]] = {
    "dashboard": ("get", row(OK, OK, OK, OK, OK, REDIRECT), None),
    "media": ("get", row(*[MISSING] * 6), lambda o: {"path": "library-logos/none.png"}),
    "first_run": ("get", row(*[MISSING] * 6), None),  # closed for good once a library exists
    "accounts:login": ("get", row(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK), None),
    "accounts:logout": ("post", row(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), None),
    "accounts:choose_library": ("get", SIGNED_IN, None),
    "accounts:language": ("post", row(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), None),
    "accounts:profile": ("get", SIGNED_IN, None),
    "accounts:personal_data": ("get", SIGNED_IN, None),
    # everyone signed in downloads their own data (a ZIP), whatever their role
    "accounts:personal_data_download": ("post", SIGNED_IN, None),
    "accounts:password_change": ("get", SIGNED_IN, None),
    "accounts:password_change_done": ("get", SIGNED_IN, None),
    "accounts:password_reset": ("get", EVERYONE, None),
    "accounts:password_reset_done": ("get", EVERYONE, None),
    "accounts:password_reset_confirm": ("get", EVERYONE, lambda o: {"uidb64": "MQ", "token": "abc-def"}),
    "accounts:password_reset_complete": ("get", EVERYONE, None),
    "accounts:library_settings": ("get", COORDINATOR_PAGE, None),
    "accounts:people": ("get", COORDINATOR_PAGE, None),
    "accounts:person_add": ("get", COORDINATOR_PAGE, None),
    "accounts:person_detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["person"].pk}),
    # not locked: the coordinator is told so and sent back to the person's page
    "accounts:person_unlock": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["person"].pk}),
    "accounts:person_erase": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["person"].pk}),
    # the person has signed in already: the coordinator is told so and sent back to their page
    "accounts:person_invite": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["person"].pk}),
    # no phone number on file: the coordinator is told so and sent back to the person's page
    "accounts:person_whatsapp": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["person"].pk}),
    "accounts:people_invite": ("post", row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, LOGIN), None),
    # library A has people who never signed in (a PDF of their codes); in B everyone has (back to the list)
    "accounts:people_code_sheet": ("post", row(OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, LOGIN), None),
    "accounts:code_entry": ("get", EVERYONE, None),
    "accounts:invitation": ("get", row(*[MISSING] * 6), lambda o: {"code": "ABCDEFGHJKMN"}),
    "accounts:membership_revoke": (
        "post",
        row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["membership"].pk},
    ),
    "accounts:audit_log": ("get", COORDINATOR_PAGE, None),
    "curriculum:programme_list": ("get", STAFF_PAGE, None),
    "curriculum:programme_create": ("get", COORDINATOR_PAGE, None),
    "curriculum:programme_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["programme"].pk}),
    "curriculum:programme_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["programme"].pk}),
    "curriculum:objective_create": ("get", COORDINATOR_OBJECT, lambda o: {"programme_pk": o["programme"].pk}),
    "curriculum:objective_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["objective"].pk}),
    "curriculum:module_create": ("get", COORDINATOR_OBJECT, lambda o: {"programme_pk": o["programme"].pk}),
    "curriculum:module_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["module"].pk}),
    "curriculum:module_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["module"].pk}),
    "curriculum:programme_copy": (
        "post",
        row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["programme"].pk},
    ),
    "curriculum:session_plan_create": ("get", COORDINATOR_OBJECT, lambda o: {"module_pk": o["module"].pk}),
    "curriculum:session_plan_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["plan"].pk}),
    "curriculum:session_plan_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["plan"].pk}),
    "curriculum:material_add": (
        "post",  # an empty form: the coordinator gets the page back with the errors
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"plan_pk": o["plan"].pk},
    ),
    "curriculum:material_remove": (
        "post",
        row(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["material"].pk},
    ),
    "curriculum:material_download": ("get", STAFF_OBJECT, lambda o: {"pk": o["material"].pk}),
    "curriculum:competency_list": ("get", STAFF_PAGE, None),
    "assessment:question_list": ("get", AUTHOR_PAGE, None),
    "assessment:question_create": ("get", AUTHOR_PAGE, None),
    "assessment:question_edit": (
        "get",
        row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["question"].pk},
    ),
    "assessment:question_toggle": (
        "post",
        row(REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["question"].pk},
    ),
    "assessment:question_import_upload": ("get", AUTHOR_PAGE, None),
    "assessment:question_import_detail": (
        "get",
        row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["question_import"].pk},
    ),
    "assessment:question_import_confirm": (
        "post",
        row(REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["question_import"].pk},
    ),
    "assessment:question_import_cancel": (
        "post",
        row(REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["question_import"].pk},
    ),
    "assessment:question_export": ("get", AUTHOR_PAGE, None),
    "assessment:question_template": ("get", AUTHOR_PAGE, None),
    "assessment:cohort_tests": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "assessment:cohort_completion": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "assessment:take_test": (
        "get",
        row(REDIRECT, FORBIDDEN, OK, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["test"].pk},
    ),
    "assessment:save_answer": (
        "post",  # no question given: 404 for the people who may answer
        row(MISSING, FORBIDDEN, MISSING, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["test"].pk},
    ),
    "assessment:submit_test": (
        "post",
        row(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["test"].pk},
    ),
    "assessment:test_result": (
        "get",
        row(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["test"].pk},
    ),
    "assessment:rubric_list": ("get", AUTHOR_PAGE, None),
    "assessment:rubric_create": ("get", AUTHOR_PAGE, None),
    "assessment:rubric_edit": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["rubric"].pk}),
    "assessment:rubric_copy": (
        "post",
        row(REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["rubric"].pk},
    ),
    "assessment:assignment_create": ("get", AUTHOR_OBJECT, lambda o: {"session_pk": o["assignment"].session_id}),
    "assessment:assignment_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["assignment"].pk}),
    "assessment:assignment_edit": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["assignment"].pk}),
    "assessment:submission_submit": (
        "post",  # handing in again with nothing new keeps the file already handed in
        row(FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, LOGIN),
        lambda o: {"pk": o["assignment"].pk},
    ),
    "assessment:submission_grade": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["submission"].pk}),
    "assessment:submission_file": ("get", STAFF_OBJECT, lambda o: {"pk": o["submission"].pk}),
    "assessment:observe_list": ("get", STAFF_OBJECT, lambda o: {"pk": o["observed"].pk}),
    "assessment:observe_sheet": (
        "get",
        STAFF_OBJECT,
        lambda o: {"pk": o["observed"].pk, "user_pk": o["peer"].pk},
    ),
    "assessment:observation_detail": (
        "get",
        AUTHOR_OBJECT,
        lambda o: {"pk": o["observed"].pk, "user_pk": o["peer"].pk},
    ),
    "assessment:my_assignments": ("get", PARTICIPANT_PAGE, None),
    "evaluation:form_list": ("get", COORDINATOR_PAGE, None),
    "evaluation:form_detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["feedback_form"].pk}),
    "evaluation:cohort_feedback": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:answer": ("get", PARTICIPANT_PAGE, lambda o: {"pk": o["survey"].pk}),
    "evaluation:survey_results": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["survey"].pk}),
    "evaluation:comment_review": (
        "post",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["comment"].pk, "digest": comment_digest("Ruangannya panas")},
    ),
    "evaluation:scorecard": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["instructor_user"].pk}),
    "evaluation:my_scorecard": ("get", row(FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, LOGIN), None),
    # the form builder: the session form has been answered, so removing its items is refused (back to the page)
    "evaluation:form_create": ("get", COORDINATOR_PAGE, None),
    "evaluation:form_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["feedback_form"].pk}),
    "evaluation:form_copy": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["feedback_form"].pk}),
    "evaluation:form_activate": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["feedback_form"].pk}),
    "evaluation:form_deactivate": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["feedback_form"].pk}),
    "evaluation:section_add": (
        "post",  # no title: the page comes back with the problem
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["feedback_form"].pk},
    ),
    "evaluation:section_rename": (
        "post",
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["feedback_form"].pk, "section_pk": o["feedback_form"].sections.first().pk},
    ),
    "evaluation:section_move": (
        "post",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "section_pk": o["feedback_form"].sections.first().pk},
    ),
    "evaluation:section_remove": (
        "post",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "section_pk": o["feedback_form"].sections.first().pk},
    ),
    "evaluation:item_add": (
        "post",
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["feedback_form"].pk, "section_pk": o["feedback_form"].sections.first().pk},
    ),
    "evaluation:item_row": (
        "get",  # without HTMX: to the row on the editor page
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "item_pk": o["feedback_form"].items.first().pk},
    ),
    "evaluation:item_edit": (
        "get",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "item_pk": o["feedback_form"].items.first().pk},
    ),
    "evaluation:item_move": (
        "post",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "item_pk": o["feedback_form"].items.first().pk},
    ),
    "evaluation:item_remove": (
        "post",
        COORDINATOR_WRITE,
        lambda o: {"pk": o["feedback_form"].pk, "item_pk": o["feedback_form"].items.first().pk},
    ),
    "evaluation:follow_up": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:supervisor_invite": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:supervisor_answer": ("get", row(*[MISSING] * 6), lambda o: {"token": "x" * 43}),  # public; unknown
    "evaluation:cohort_report": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:feedback_settings": ("get", COORDINATOR_PAGE, None),
    "evaluation:session_projector": ("get", AUTHOR_OBJECT, lambda o: {"pk": o["survey"].session_id}),
    "evaluation:cohort_report_pdf": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:cohort_responses_xlsx": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:action_create": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["cohort"].pk}),
    "evaluation:action_status": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["action"].pk}),
    "delivery:cohort_list": ("get", STAFF_PAGE, None),
    "delivery:cohort_create": ("get", COORDINATOR_PAGE, None),
    "delivery:cohort_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:cohort_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:enrol_search": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:enrol": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["cohort"].pk}),
    "delivery:withdraw": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["enrolment"].pk}),
    # back to the cohort's page, told who is invited again (nobody there has an address)
    "delivery:cohort_invite": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["cohort"].pk}),
    # the participant of library A's cohort has never signed in when the coordinator asks: a PDF of their code
    "delivery:cohort_code_sheet": ("post", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:session_schedule": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:programme_schedule": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:session_detail": ("get", STAFF_OBJECT, lambda o: {"pk": o["session"].pk}),
    "delivery:session_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["session"].pk}),
    "delivery:attendance_mark": (
        "post",  # an empty form: marked nothing, back to the session
        row(REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["session"].pk, "user_pk": o["person"].pk},
    ),
    "delivery:checkin_screen": (
        "get",
        row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["session"].pk},
    ),
    "delivery:checkin_count": (
        "get",
        row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["session"].pk},
    ),
    "delivery:check_in": ("get", PARTICIPANT_PAGE, None),
    "delivery:check_in_session": ("get", PARTICIPANT_PAGE, lambda o: {"pk": o["session"].pk}),
    "delivery:instructor_list": ("get", COORDINATOR_PAGE, None),
    "delivery:instructor_add": ("get", COORDINATOR_PAGE, None),
    "delivery:instructor_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["profile"].pk}),
    # no photo here: 404 for its coordinator too (the photo itself: lentera/lib/tests/test_private_media.py)
    "delivery:instructor_photo": (
        "get",
        row(MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["profile"].pk},
    ),
    "delivery:my_schedule": ("get", row(FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN, LOGIN), None),
    "delivery:jp_ledger": ("get", COORDINATOR_PAGE, None),
    "delivery:my_jp": ("get", PARTICIPANT_PAGE, None),
    "delivery:my_jp_pdf": ("get", PARTICIPANT_PAGE, None),
    "delivery:cohort_groups": ("get", STAFF_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:calendar": ("get", STAFF_PAGE, None),
    "delivery:calendar_feed": ("post", row(REDIRECT, REDIRECT, REDIRECT, FORBIDDEN, REDIRECT, LOGIN), None),
    "delivery:ical_feed": ("get", EVERYONE, lambda o: {"token": o["feed"].token}),
    "delivery:jp_ledger_export": ("get", COORDINATOR_PAGE, None),
    "delivery:roster_import_upload": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "delivery:roster_import_detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["import"].pk}),
    "delivery:roster_import_confirm": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["import"].pk}),
    "delivery:roster_import_cancel": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["import"].pk}),
    "delivery:roster_template": ("get", COORDINATOR_PAGE, None),
    "delivery:attendance_sheet": (
        "get",
        row(OK, OK, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["session"].pk, "fmt": "pdf"},
    ),
    "curriculum:competency_create": ("get", COORDINATOR_PAGE, None),
    "curriculum:competency_edit": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["competency"].pk}),
    "certificates:verify": ("get", EVERYONE, None),
    "certificates:verify_token": ("get", EVERYONE, lambda o: {"token": o["certificate"].token}),
    "certificates:my_certificates": ("get", PARTICIPANT_PAGE, None),
    "certificates:settings": ("get", COORDINATOR_PAGE, None),
    # no signature uploaded in either library: 404 (the signature itself: lentera/lib/tests/test_private_media.py)
    "certificates:signature": ("get", row(MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN), None),
    "certificates:cohort": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    # the cohort has not ended: the coordinator is sent back to its certificates page with the reason
    "certificates:cohort_issue": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["cohort"].pk}),
    "certificates:cohort_zip": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "certificates:cohort_pdf": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["cohort"].pk}),
    "certificates:run_detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["issue_run"].pk}),
    "certificates:detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["certificate"].pk}),
    "certificates:download": (
        "get",  # the participant's own certificate
        row(OK, FORBIDDEN, OK, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["certificate"].pk},
    ),
    "certificates:revoke": (
        "post",  # no reason given: the page comes back with the error
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["certificate"].pk},
    ),
    "certificates:reissue": (
        "post",
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING, LOGIN),
        lambda o: {"pk": o["certificate"].pk},
    ),
    "impact:indicators": ("get", COORDINATOR_PAGE, None),
    "impact:indicator_save": (
        "post",  # no figure sent: refused; a coordinator saves into their own library, so B's gets 400 too
        row(BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, BAD_REQUEST, LOGIN),
        lambda o: {"year": 2025, "month": 1},
    ),
    "impact:import_upload": ("get", COORDINATOR_PAGE, None),
    "impact:import_detail": ("get", COORDINATOR_OBJECT, lambda o: {"pk": o["indicator_import"].pk}),
    "impact:import_confirm": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["indicator_import"].pk}),
    "impact:import_cancel": ("post", COORDINATOR_WRITE, lambda o: {"pk": o["indicator_import"].pk}),
    "impact:indicator_template": ("get", COORDINATOR_PAGE, None),
    "impact:indicator_export": ("get", COORDINATOR_PAGE, None),
}

# Django's admin: for the superuser only; every other persona is sent to the admin login.
ADMIN_EXCEPTIONS = {
    "admin:login": ("get", EVERYONE),
    "admin:logout": ("get", row(*[REDIRECT] * 6)),
}
ADMIN_DEFAULT = ("get", row(*[ADMIN_LOGIN] * 6))


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {prefix}{entry.pattern}>", entry


def all_url_names() -> list[str]:
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def test_every_url_is_declared() -> None:
    names = set(all_url_names())
    undeclared = sorted(n for n in names if n not in MATRIX and not _is_admin(n))
    stale = sorted(set(MATRIX) - names)
    assert not undeclared, f"URLs with no row in the matrix: {undeclared}"
    assert not stale, f"Matrix rows for URLs that no longer exist: {stale}"


@pytest.fixture
def objects(library_a: Any, participant: Any, instructor: Any) -> dict[str, Any]:
    programme = ProgrammeFactory(library=library_a)
    module = ModuleFactory(programme=programme)
    plan = SessionPlanFactory(module=module)
    material = Material(
        library=library_a,
        session_plan=plan,
        kind=Material.Kind.FILE,
        title="Modul PDF",
        original_name="modul.pdf",
        content_type="application/pdf",
        size=9,
    )
    material.file.save("modul.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    profile = delivery_services.instructor_register(actor=None, library=library_a, user=instructor.user)
    cohort = delivery_services.cohort_create(
        actor=None, programme=programme, name="Angkatan Uji", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 27)
    )
    enrolment = delivery_services.enrol(actor=None, cohort=cohort, user=participant.user)
    start = datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    session = delivery_services.session_schedule(
        actor=None,
        cohort=cohort,
        plan=plan,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        room="Ruang 1",
        instructors=[instructor.user],
    )
    upload = SimpleUploadedFile("peserta.csv", b"Nama,Email\nBudi,budi@contoh.id\n")
    roster_import = delivery_services.roster_import_preview(actor=None, cohort=cohort, upload=upload)
    question = question_save(
        actor=None, library=library_a, kind="true_false", text="DDC membagi ilmu ke 10 kelas.", true_answer=True
    )
    sheet = SimpleUploadedFile("soal.csv", b"Jenis,Soal,Kunci\ntrue_false,DDC 10 kelas,benar\n")
    test = exam_services.test_set_open(
        actor=None,
        test=exam_services.test_create(actor=None, cohort=cohort, kind="post", title="Post-test", questions=[question]),
        is_open=True,
    )
    rubric = make_rubric(library_a)
    practice = delivery_services.session_schedule(
        actor=None,
        cohort=cohort,
        plan=SessionPlanFactory(module=module, method="practice"),
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, minutes=90),
        instructors=[instructor.user],
    )
    assignment = assignment_services.assignment_save(
        actor=None, session=practice, title="Klasifikasi", rubric=rubric, accepts_file=True
    )
    work = SimpleUploadedFile("tugas.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    submission = assignment_services.submission_save(actor=participant.user, assignment=assignment, upload=work)
    role_play = delivery_services.session_schedule(
        actor=None,
        cohort=cohort,
        plan=SessionPlanFactory(module=module, method="role_play"),
        starts_at=start + timedelta(days=2),
        ends_at=start + timedelta(days=2, minutes=90),
        instructors=[instructor.user],
    )
    observed = assignment_services.assignment_save(
        actor=None, session=role_play, title="Bermain peran", rubric=rubric, mode="observation"
    )
    peer = UserFactory()
    delivery_services.enrol(actor=None, cohort=cohort, user=peer)
    certificate = CertificateFactory(cohort=cohort, user=participant.user)
    # a session that ended an hour ago: its feedback round is open, and the participant has answered
    forms = evaluation_services.ready_forms_install(actor=None, library=library_a)
    ended = timezone.now() - timedelta(hours=1)
    recent = delivery_services.session_schedule(
        actor=None,
        cohort=cohort,
        plan=plan,
        starts_at=ended - timedelta(minutes=90),
        ends_at=ended,
        instructors=[instructor.user],
        outside_dates_confirmed=True,  # today, after the cohort's March dates
    )
    survey = next(s for s in evaluation_services.surveys_ensure(cohort=cohort) if s.session_id == recent.pk)
    comment_item = survey.forms.get(kind="session").items.filter(kind="long_text").first()
    evaluation_services.response_submit(
        survey=survey, answers=[Cleaned(comment_item, text="Ruangannya panas")], user=participant.user
    )
    return {
        "feedback_form": forms[0],
        "action": evaluation_services.improvement_action_save(
            actor=None, cohort=cohort, what="Perbaiki jaringan", owner="Seksi TI", due_on=date(2026, 12, 31)
        ),
        "survey": survey,
        "comment": EvaluationComments.objects.get(survey=survey, item=comment_item),
        "instructor_user": instructor.user,
        "certificate": certificate,
        "issue_run": IssueRun.objects.create(library=library_a, cohort=cohort, base_url="http://testserver"),
        "rubric": rubric,
        "assignment": assignment,
        "submission": submission,
        "observed": observed,
        "peer": peer,
        "test": test,
        "question_import": question_import_preview(actor=None, library=library_a, upload=sheet),
        "question": question,
        "feed": delivery_services.calendar_feed_renew(user=participant.user),
        "import": roster_import,
        "profile": profile,
        "cohort": cohort,
        "enrolment": enrolment,
        "session": session,
        "plan": plan,
        "material": material,
        "programme": programme,
        "objective": ObjectiveFactory(programme=programme),
        "module": module,
        "competency": CompetencyFactory(library=library_a),
        "person": participant.user,
        "membership": Membership.objects.get(user=participant.user),
        "indicator_import": indicator_import_preview(
            actor=None,
            library=library_a,
            upload=SimpleUploadedFile("indikator.csv", b"Bulan,Kunjungan\n2025-01,3500\n"),
        ),
    }


def _is_admin(name: str) -> bool:
    return name.startswith(("admin:", "<unnamed admin/"))


def _admin_kwargs(pattern: URLPattern) -> dict[str, str]:
    return {g: ("accounts" if g == "app_label" else "1") for g in pattern.pattern.regex.groupindex}


def _url_and_expectation(name: str, objects: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """The URL to request, the method, and the expected outcome per persona."""
    if name in MATRIX:
        method, expected, kwargs = MATRIX[name]
        return reverse(name, kwargs=kwargs(objects) if kwargs else None), method, expected
    if name.startswith("<unnamed admin/"):
        # Django's admin: "<object id>/" redirects to the change page; the catch-all asks to log in.
        route = name.removeprefix("<unnamed ").removesuffix(">")
        if "(?P<url>" in route:
            return "/admin/nothing-here/", "get", ADMIN_DEFAULT[1]
        return "/" + re.sub(r"<[^>]+>", "1", route), "get", row(*[REDIRECT] * 6)
    method, expected = ADMIN_EXCEPTIONS.get(name, ADMIN_DEFAULT)
    pattern = dict(_walk(get_resolver().url_patterns))[name]
    return reverse(name, kwargs=_admin_kwargs(pattern)), method, expected


def _check(response: Any, expected: str, url: str) -> None:
    status = response.status_code
    where = response.headers.get("Location", "")
    if expected == LOGIN:
        assert status == 302 and where.startswith(reverse("accounts:login")), (url, status, where)
    elif expected == ADMIN_LOGIN:
        assert status == 302 and where.startswith(reverse("admin:login")), (url, status, where)
    else:
        assert status == int(expected), (url, status, where)


# The only URLs an anonymous visitor reaches without being sent to the login page: the public
# pages, each with the reason it is public. Every other URL of the project asks to log in.
PUBLIC_PAGES = {
    "dashboard": "the home page sends an anonymous visitor to the login page itself",
    "media": "only the public library logos, and only in development (nginx in production); 404 here",
    "first_run": "the first-run setup of a fresh Lentera, with the token from the server's log (404 once set up)",
    "accounts:login": "logging in",
    "accounts:logout": "logging out is harmless when logged out",
    "accounts:language": "choosing the language before logging in",
    "accounts:password_reset": "a forgotten password",
    "accounts:password_reset_done": "a forgotten password",
    "accounts:password_reset_confirm": "a forgotten password (the emailed token is the key)",
    "accounts:password_reset_complete": "a forgotten password",
    "accounts:code_entry": "a new person types the one-time code from the printed sheet (nothing shown before)",
    "accounts:invitation": "a new person sets their password by a one-time link or code (the code is the key)",
    "evaluation:supervisor_answer": "a supervisor's follow-up by a one-time emailed link (the token is the key)",
    "delivery:ical_feed": "the phone's calendar reads a private, revocable feed address (the token is the key)",
    "certificates:verify": "public certificate check",
    "certificates:verify_token": "public certificate check from the QR code",
}


def test_only_the_public_pages_skip_the_login() -> None:
    reachable = {name for name, (_method, expected, _kwargs) in MATRIX.items() if expected["anon"] != LOGIN}
    assert reachable == set(PUBLIC_PAGES), sorted(reachable ^ set(PUBLIC_PAGES))


@pytest.mark.parametrize("url_name", all_url_names())
def test_url_role_matrix(url_name: str, personas: dict[str, Any], objects: dict[str, Any]) -> None:
    """Every persona opens the URL; each request runs in a savepoint rolled back afterwards.

    So every persona meets the same objects (one persona's successful POST cannot change what the
    next one sees), while the objects are built once per URL rather than once per persona.
    """
    from django.core.cache import cache
    from django.db import transaction

    url, method, expected = _url_and_expectation(url_name, objects)
    failures = []
    for persona_name in PERSONAS:
        client = personas[persona_name].client
        with transaction.atomic():
            savepoint = transaction.savepoint()
            try:
                response = client.post(url) if method == "post" else client.get(url)
                _check(response, expected[persona_name], url)
            except AssertionError as error:
                failures.append(f"{persona_name}: expected {expected[persona_name]}, got {error}")
            finally:
                transaction.savepoint_rollback(savepoint)
        cache.clear()
    assert not failures, failures
