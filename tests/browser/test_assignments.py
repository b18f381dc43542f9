"""Assignments with rubrics in the browser: the instructor adds an assignment and grades it criterion
by criterion (each choice saved with HTMX), the participant hands in on a phone and reads the filled
rubric, a role-play is observed live by a peer on a phone and by the instructor, and the coordinator
builds a rubric in the grid editor.

The demo already grades a SLiMS practice and observes a role-play with its two rubrics; each test
attaches a new assignment of its own (so it starts from nothing handed in) to a session of
"Angkatan I 2026": the SLiMS practice (taught by Ahmad Fauzi, ``instruktur``), the weeding case
study and the complaint-handling role-play (led by Rina Marlina, ``rina.marlina``, with Ahmad Fauzi).

The ``demo`` fixture here seeds the demo up to its assessment part (people, programme, cohorts,
schedule, tests and assignments): what these pages show, and quicker than the whole demo.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import PHONE, demo_cohort, id_, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, open_from_menu, path_of, shot

PRACTICE = "Praktik katalogisasi dan sirkulasi di SLiMS"
CASE_STUDY = "Penyiangan koleksi: studi kasus"
ROLE_PLAY = "Bermain peran: menangani keluhan pemustaka"
LEVELS = [("Sangat baik", 4), ("Baik", 3), ("Cukup", 2), ("Kurang", 1)]
CATALOGUING = "Rubrik praktik katalogisasi SLiMS"  # the demo's, 4 criteria
SERVICE = "Rubrik pengamatan bermain peran layanan"  # the demo's, 5 criteria


# Setup through the services (the demo has no assignments) -----------------------------------


def _session(title: str) -> Any:
    return demo_cohort().sessions.select_related("plan").get(plan__title=title)


def _rubric(title: str) -> Any:
    """One of the demo's rubrics (4 levels: Sangat baik 4, Baik 3, Cukup 2, Kurang 1)."""
    from lentera.assessment.models import Rubric

    rubric = Rubric.objects.get(library=demo_cohort().library, title=title)
    assert [(level.label, level.points) for level in rubric.levels.all()] == LEVELS
    return rubric


def _assignment(session_title: str, rubric: Any, **fields: Any) -> Any:
    from lentera.accounts.models import User
    from lentera.assessment import assignment_services

    return assignment_services.assignment_save(
        actor=User.objects.get(username="koordinator"), session=_session(session_title), rubric=rubric, **fields
    )


def _enrolled(username: str) -> Any:
    from lentera.accounts.models import User
    from lentera.delivery.models import Enrolment

    user = User.objects.get(username=username)
    assert Enrolment.objects.filter(cohort=demo_cohort(), user=user, status=Enrolment.Status.ENROLLED).exists()
    return user


def _levels(rubric: Any) -> dict[int, Any]:
    return {level.points: level for level in rubric.levels.all()}


def _criteria(rubric: Any) -> list[Any]:
    return list(rubric.criteria.order_by("order"))


def _fits_a_phone(page: Page, what: str) -> None:
    width = scroll_width(page)
    assert width <= PHONE["width"], f"{what} scrolls sideways at 375 px: {width} px wide"


# Choosing levels in the HTMX criterion cards -------------------------------------------------


def _card(page: Page, criterion: Any) -> Any:
    return page.locator("form.rubric-criterion", has=page.locator(f"input[name=criterion][value='{criterion.pk}']"))


def _is_htmx_post(response: Any) -> bool:
    request = response.request
    return request.method == "POST" and request.headers.get("hx-request") == "true"


def _pick(page: Page, criterion: Any, level: Any) -> None:
    """Tap a level of one criterion; the card is swapped in place and says it is saved."""
    card = _card(page, criterion)
    with page.expect_response(_is_htmx_post) as answer:
        card.locator(f"label[for='c{criterion.pk}-l{level.pk}']").click()
    assert answer.value.status == 200, answer.value.text()
    expect(card.locator("[role=status]")).to_have_text(id_("Saved"))
    expect(card.locator(f"#c{criterion.pk}-l{level.pk}")).to_be_checked()


def _comment(page: Page, criterion: Any, text: str) -> None:
    """Type a comment on a criterion; leaving the field saves it with the chosen level."""
    # the card is swapped by HTMX after each choice: type only once no request is in flight
    page.wait_for_function("!document.querySelector('.htmx-request')")
    card = _card(page, criterion)
    card.locator("input[name=criterion_comment]").fill(text)
    with page.expect_response(_is_htmx_post) as answer:
        card.locator("input[name=criterion_comment]").press("Tab")
    assert answer.value.status == 200, answer.value.text()
    expect(card.locator("[role=status]")).to_have_text(id_("Saved"))
    expect(card.locator("input[name=criterion_comment]")).to_have_value(text)


def _mark_page(page: Page) -> None:
    page.evaluate("window.__notReloaded = true")


def _assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded instead of swapped in place"


# a. Grading criterion by criterion, read on a phone -----------------------------------------


def test_instructor_grades_criterion_by_criterion_and_the_participant_reads_it(
    page: Page, browser: Browser, demo: Any
) -> None:
    from lentera.assessment import assignment_services
    from lentera.assessment.models import Assignment, RubricScore, Submission

    rubric = _rubric(CATALOGUING)
    session = _session(PRACTICE)
    title = "Lima cantuman dan satu transaksi di SLiMS"
    assert "instruktur" in session.instructors.values_list("username", flat=True)
    peserta = _enrolled("peserta")

    # The instructor adds the assignment from the session page ("Tambah tugas").
    login(page, demo, "instruktur")
    page.goto(f"{demo.url}/sesi/{session.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Add an assignment")).click()
    assert path_of(page) == f"/bank-soal/sesi/{session.pk}/tugas/baru/"
    assert_accessible(page)
    page.fill("#id_title", title)
    page.fill(
        "#id_instructions",
        "Buat lima cantuman bibliografis di SLiMS, lalu layani satu peminjaman dan satu pengembalian. "
        "Tulis nomor panggil tiap cantuman dan tautkan tangkapan layar laporan sirkulasi.",
    )
    page.select_option("#id_rubric", label=rubric.title)
    page.check("#id_accepts_link")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    assignment = Assignment.objects.get(session=session, title=title)
    assert path_of(page) == f"/bank-soal/tugas/{assignment.pk}/"
    assert assignment.rubric == rubric and assignment.accepts_text and assignment.accepts_link
    # optional for completion: only the coordinator ticks "required" (the instructor has no such box)
    assert not assignment.is_required and assignment.pass_percent == 70

    # The participant hands in (the phone hand-in is the next test), as do a few others; two of
    # those are graded already, so the roster shows every state. Its "Nilai" opens the grading.
    levels = _levels(rubric)
    criteria = _criteria(rubric)
    assignment_services.submission_save(
        actor=peserta,
        assignment=assignment,
        text="Lima cantuman selesai: 020 SUL p, 025.4 HAR k, 297.1 NAS t, 899.221 TOH r, 959.8 KAR s.",
        link="https://drive.example.id/laporan-sirkulasi",
    )
    for index, username in enumerate(["budi.santoso", "sri.wahyuni", "eko.prasetyo"]):
        other = assignment_services.submission_save(
            actor=_enrolled(username), assignment=assignment, text="Cantuman dan transaksi selesai."
        )
        if index < 2:
            for criterion in criteria:
                assignment_services.submission_score(
                    actor=None, submission=other, criterion_id=criterion.pk, level_id=levels[3 - index].pk
                )
            assignment_services.submission_release(actor=None, submission=other)
    page.reload()
    work = page.locator("section[aria-labelledby='work-heading'] tbody tr")
    row = work.filter(has_text=peserta.full_name)
    expect(row.locator("td").nth(2)).to_have_text(id_("to grade"))
    expect(work.filter(has_text="Budi Santoso").locator("td").nth(2)).to_have_text("75%")
    expect(work.filter(has_text="Sri Wahyuni").locator("td").nth(2)).to_have_text("50%")
    assert_accessible(page)
    shot(page, "tugas-instruktur.png")

    with page.expect_navigation():
        row.get_by_role("link", name=id_("Grade")).click()
    submission = Submission.objects.get(assignment=assignment, user=peserta)
    assert path_of(page) == f"/bank-soal/pengumpulan/{submission.pk}/nilai/"
    expect(page.locator("h1")).to_have_text(peserta.full_name)
    expect(page.locator("main")).to_contain_text("drive.example.id/laporan-sirkulasi")

    # Criterion by criterion: 4 + 3 + 2 + 3 of 4 × 4 points = 75 %. Each tap is saved in place.
    kelengkapan, ddc, tajuk, sirkulasi = criteria
    _mark_page(page)
    _pick(page, kelengkapan, levels[4])
    _pick(page, ddc, levels[3])
    _comment(page, ddc, "Periksa lagi desimal untuk 025.4; lihat tabel pembantu DDC.")
    _pick(page, tajuk, levels[2])
    _comment(page, tajuk, "Tajuk terlalu umum; pakai daftar tajuk subjek Perpusnas.")
    _pick(page, sirkulasi, levels[3])
    _assert_not_reloaded(page)
    assert RubricScore.objects.filter(submission=submission).count() == 4
    assert submission.scores.get(criterion=tajuk).comment.startswith("Tajuk terlalu umum")
    submission.refresh_from_db()
    assert submission.graded_at is None  # not released yet: the participant sees nothing
    assert_accessible(page)

    page.fill("#overall-comment", "Kerja rapi dan lengkap. Perhatikan desimal DDC dan tajuk subjek.")
    page.locator("#overall-comment").blur()
    shot(page, "penilaian.png")
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Release the grade")).click()
    assert path_of(page) == f"/bank-soal/tugas/{assignment.pk}/"
    expect(page.locator(".alert-success")).to_contain_text(peserta.full_name)
    expect(row.locator("td").nth(2)).to_have_text("75%")
    submission.refresh_from_db()
    assert submission.graded_at is not None and submission.graded_by is not None
    assert submission.graded_by.username == "instruktur"
    assert submission.score_percent == 100 * (4 + 3 + 2 + 3) / (4 * 4) == 75.0

    # The participant, on a phone: "Tugas saya" → the assignment → the filled rubric.
    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.locator(".navbar-toggler").click()
        phone.wait_for_selector("#main-nav.collapse.show")  # Bootstrap ignores clicks while it animates
        with phone.expect_navigation():
            phone.locator("#main-nav").get_by_role("link", name=id_("My assignments")).click()
        assert path_of(phone) == "/bank-soal/tugas-saya/"
        item = phone.locator("main .list-group-item", has_text=assignment.title)
        expect(item.locator(".badge")).to_have_text("75%")
        _fits_a_phone(phone, "My assignments")
        assert_accessible(phone)
        with phone.expect_navigation():
            item.click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/"
        result = phone.locator("section[aria-labelledby='result-heading']")
        expect(result.locator("p.fs-4")).to_contain_text("75%")
        expect(result).to_contain_text("Perhatikan desimal DDC dan tajuk subjek.")
        expect(result).to_contain_text("Periksa lagi desimal untuk 025.4")
        expect(result).to_contain_text("pakai daftar tajuk subjek Perpusnas")
        chosen = result.locator(".rubric-chosen:visible")  # the table at desktop width, cards on a phone
        expect(chosen).to_contain_text(
            [
                "Semua ruas wajib terisi dan sesuai sumber",
                "Kelas benar, desimal kurang",
                "Terlalu umum",
                "Satu langkah terlewat",
            ]
        )
        expect(chosen.first).to_contain_text(id_("chosen"))  # said to screen readers too
        _fits_a_phone(phone, "the graded assignment")
        shot(phone, "hasil-tugas-375.png")
        assert_accessible(phone)


# b. Handing in on a phone ----------------------------------------------------------------------


def test_participant_hands_in_text_and_a_link_on_a_phone(browser: Browser, demo: Any) -> None:
    from lentera.assessment.models import Submission

    rubric = _rubric(CATALOGUING)
    assignment = _assignment(
        CASE_STUDY,
        rubric,
        title="Usulan penyiangan rak 600",
        instructions="Tulis usulan penyiangan rak 600-an dan tautkan daftar judul yang dipertahankan.",
        accepts_link=True,
        due_at=timezone.now() + timedelta(days=3),
    )
    peserta = _enrolled("peserta")

    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.goto(f"{demo.url}/bank-soal/tugas-saya/")
        item = phone.locator("main .list-group-item", has_text=assignment.title)
        expect(item.locator(".badge")).to_have_text(id_("to do"))
        with phone.expect_navigation():
            item.click()
        expect(phone.locator("h1")).to_have_text(assignment.title)
        _fits_a_phone(phone, "the hand-in page")
        assert_accessible(phone)

        phone.fill(
            "#id_text", "Judul terbitan sebelum 2005 yang tidak dipinjam lima tahun disiangkan, kecuali muatan lokal."
        )
        phone.fill("#id_link", "https://drive.example.id/daftar-penyiangan")
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Hand in"), exact=True).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/"
        handed = phone.locator("section[aria-labelledby='hand-in-heading']")
        expect(handed.locator("h2")).to_have_text(id_("Your work (you can still change it)"))
        expect(handed.locator(".alert-success")).to_contain_text(re.compile(r"\d{4} \d\d:\d\d"))
        expect(phone.get_by_role("button", name=id_("Hand in again"))).to_be_visible()
        _fits_a_phone(phone, "the handed-in page")
        assert_accessible(phone)
        shot(phone, "kumpul-tugas-375.png")

        # A reload keeps the handed-in state and the answers.
        phone.reload()
        expect(handed.locator(".alert-success")).to_be_visible()
        expect(phone.locator("#id_text")).to_have_value(re.compile("muatan lokal"))
        expect(phone.locator("#id_link")).to_have_value("https://drive.example.id/daftar-penyiangan")
        phone.goto(f"{demo.url}/bank-soal/tugas-saya/")
        expect(item.locator(".badge")).to_have_text(id_("handed in"))

    submission = Submission.objects.get(assignment=assignment, user=peserta)
    assert submission.link == "https://drive.example.id/daftar-penyiangan"
    assert "muatan lokal" in submission.text
    assert submission.graded_at is None and not submission.is_late


# c. Live role-play observation by a peer and the instructor ----------------------------------


def _observe(page: Page, criteria: list[Any], levels: dict[int, Any], points: list[int], comment: str) -> None:
    _mark_page(page)
    for criterion, value in zip(criteria, points, strict=True):
        _pick(page, criterion, levels[value])
    _assert_not_reloaded(page)
    page.fill("#sheet-comment", comment)


def test_a_role_play_is_observed_on_a_phone_and_averaged(page: Page, browser: Browser, demo: Any) -> None:
    from lentera.assessment.models import Assignment, ObservationSheet

    rubric = _rubric(SERVICE)
    assignment = _assignment(
        ROLE_PLAY,
        rubric,
        title="Bermain peran: keluhan buku hilang",
        instructions="Satu peserta menjadi pustakawan, satu menjadi pemustaka yang mengeluh bukunya dianggap hilang.",
        mode=Assignment.Mode.OBSERVATION,
    )
    teacher = assignment.session.instructors.get(username="rina.marlina")
    observed = _enrolled("peserta")
    peer = _enrolled("budi.santoso")
    criteria, levels = _criteria(rubric), _levels(rubric)
    peer_points, teacher_points = [4, 3, 4, 4, 1], [3, 3, 2, 3, 1]  # 16/20 = 80 %, 12/20 = 60 %

    # The peer, on a phone, picks whom they observe and fills the five criteria.
    with phone_page(browser) as phone:
        login(phone, demo, peer.username)
        phone.goto(f"{demo.url}/bank-soal/tugas/{assignment.pk}/amati/")
        expect(phone.locator("h1")).to_have_text(id_("Whom are you observing?"))
        people = phone.locator("main .list-group-item")
        expect(people.filter(has_text=peer.full_name)).to_have_count(0)  # nobody observes themselves
        _fits_a_phone(phone, "the observe list")
        assert_accessible(phone)
        with phone.expect_navigation():
            people.filter(has_text=observed.full_name).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/amati/{observed.pk}/"
        _observe(phone, criteria, levels, peer_points, "Salam dan sikapnya bagus; jangan lupa menutup layanan.")
        _fits_a_phone(phone, "the observation sheet")
        assert_accessible(phone)
        shot(phone, "lembar-pengamatan-375.png")
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Done: next participant")).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/amati/"
        mine = phone.locator("main .list-group-item", has_text=observed.full_name)
        expect(mine).to_contain_text(id_("your sheet"))
        _fits_a_phone(phone, "the observe list")

    # The instructor does the same at desktop width, from the assignment page's "Amati".
    login(page, demo, teacher.username)
    page.goto(f"{demo.url}/bank-soal/tugas/{assignment.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Observe"), exact=True).click()
    with page.expect_navigation():
        page.locator("main .list-group-item", has_text=observed.full_name).click()
    _observe(page, criteria, levels, teacher_points, "Jawaban tentang denda belum tepat; pelajari lagi aturan layanan.")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Done: next participant")).click()

    sheets = ObservationSheet.objects.filter(assignment=assignment, participant=observed)
    assert {s.observer.username: s.score_percent for s in sheets} == {peer.username: 80.0, teacher.username: 60.0}

    # Both sheets are kept; the assignment page shows their average, the detail page both observers.
    page.goto(f"{demo.url}/bank-soal/tugas/{assignment.pk}/")
    row = page.locator("section[aria-labelledby='work-heading'] tbody tr", has_text=observed.full_name)
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(row.locator("td").nth(2)).to_have_text("70%")  # (80 + 60) / 2
    with page.expect_navigation():
        row.get_by_role("link", name=id_("Sheets")).click()
    assert path_of(page) == f"/bank-soal/tugas/{assignment.pk}/pengamatan/{observed.pk}/"
    expect(page.locator("main p.fs-5 .fw-semibold")).to_have_text("70%")
    table = page.locator("main table").first
    expect(table.locator("thead th")).to_have_text(
        [id_("Criterion"), id_("Average points"), peer.full_name, teacher.full_name]
    )
    # per criterion, the mean of the two observers' points (Indonesian decimal comma)
    means = [f"{(a + b) / 2:.1f}".replace(".", ",") for a, b in zip(peer_points, teacher_points, strict=True)]
    for index, mean in enumerate(means):
        expect(table.locator("tbody tr").nth(index).locator("td").first).to_have_text(mean)
    expect(page.locator("main")).to_contain_text("Salam dan sikapnya bagus")
    expect(page.locator("main")).to_contain_text("Jawaban tentang denda belum tepat")
    expect(page.locator("main h3")).to_have_count(2)
    assert_accessible(page)
    shot(page, "hasil-pengamatan.png")


def test_the_demo_instructor_observes_the_demo_role_play_on_a_phone(browser: Browser, demo: Any) -> None:
    """Signed in as the demo's instructor, the demo's own role-play (no assignment added) is theirs
    to observe: from the session page to the sheet, at 375 px without sideways scrolling."""
    from lentera.assessment.models import Assignment, ObservationSheet

    assignment = Assignment.objects.select_related("rubric").get(
        session__cohort=demo_cohort(), mode=Assignment.Mode.OBSERVATION
    )
    assert assignment.session.plan.title == ROLE_PLAY
    observed = _enrolled("peserta")
    # when the role-play is already past the demo has filled a sheet: start this one afresh
    ObservationSheet.objects.filter(
        assignment=assignment, participant=observed, observer__username="instruktur"
    ).delete()
    criteria, levels = _criteria(assignment.rubric), _levels(assignment.rubric)
    with phone_page(browser) as phone:
        login(phone, demo, "instruktur")
        phone.goto(f"{demo.url}/sesi/{assignment.session_id}/")
        with phone.expect_navigation():
            phone.get_by_role("link", name=assignment.title).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/"
        expect(phone.locator("h1")).to_have_text(assignment.title)
        roster = phone.get_by_role("list", name=id_("Results per participant"))  # cards on a phone
        expect(roster.locator("li", has_text=observed.full_name)).to_be_visible()
        _fits_a_phone(phone, "the role-play's assignment page")
        assert_accessible(phone)
        shot(phone, "tugas-bermain-peran-375.png")
        with phone.expect_navigation():
            phone.get_by_role("link", name=id_("Observe"), exact=True).click()
        with phone.expect_navigation():
            phone.locator("main .list-group-item", has_text=observed.full_name).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/amati/{observed.pk}/"
        _observe(phone, criteria, levels, [4, 4, 3, 3, 2], "Sapaan hangat; tutup layanan dengan menawarkan bantuan.")
        _fits_a_phone(phone, "the observation sheet")
        with phone.expect_navigation():
            phone.get_by_role("button", name=id_("Done: next participant")).click()
        assert path_of(phone) == f"/bank-soal/tugas/{assignment.pk}/amati/"
    sheet = ObservationSheet.objects.get(assignment=assignment, participant=observed, observer__username="instruktur")
    assert sheet.score_percent == 100 * (4 + 4 + 3 + 3 + 2) / (5 * 4) == 80.0
    assert sheet.comment.startswith("Sapaan hangat")


def test_the_assignment_page_does_not_scroll_sideways_on_a_phone(page: Page, browser: Browser, demo: Any) -> None:
    """The demo's graded SLiMS practice of the finished cohort: every participant handed in. On a
    phone each participant is a card; from a tablet up a table in a labelled, focusable region."""
    from lentera.assessment import assignment_services
    from lentera.assessment.models import Assignment, Submission

    assignment = Assignment.objects.get(session__cohort__name="Angkatan 2025", mode=Assignment.Mode.SUBMISSION)
    first = Submission.objects.filter(assignment=assignment).select_related("user").order_by("user__full_name")[0]
    with phone_page(browser) as phone:
        login(phone, demo, "koordinator")
        phone.goto(f"{demo.url}/bank-soal/tugas/{assignment.pk}/")
        cards = phone.get_by_role("list", name=id_("Results per participant"))
        expect(cards.locator("li")).to_have_count(
            assignment.session.cohort.enrolments.filter(status="enrolled").count()
        )
        card = cards.locator("li", has_text=first.user.full_name)
        expect(card).to_contain_text(f"{first.score_percent:.0f}%")
        see = re.compile(rf"^{id_('See')}\s*: {re.escape(first.user.full_name)}$")  # names whose work it is
        expect(card.get_by_role("link", name=see)).to_be_visible()
        expect(phone.get_by_role("region", name=id_("Results per participant"))).to_be_hidden()
        _fits_a_phone(phone, "the assignment page")
        assert_accessible(phone)
        shot(phone, "tugas-375.png")

        # work with a long unbroken link wraps on the grading page instead of widening it
        running = Assignment.objects.get(session__cohort=demo_cohort(), mode=Assignment.Mode.SUBMISSION)
        handed = set(Submission.objects.filter(assignment=running).values_list("user_id", flat=True))
        person = next(e.user for e in demo_cohort().enrolments.filter(status="enrolled") if e.user_id not in handed)
        link = "https://drive.example.id/" + "laporan-sirkulasi-bulanan-" * 8
        work = assignment_services.submission_save(actor=person, assignment=running, text=link, link=link)
        phone.goto(f"{demo.url}/bank-soal/pengumpulan/{work.pk}/nilai/")
        expect(phone.locator("main")).to_contain_text("laporan-sirkulasi-bulanan-laporan")
        _fits_a_phone(phone, "the grading page with a long link")

    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/bank-soal/tugas/{assignment.pk}/")
    region = page.get_by_role("region", name=id_("Results per participant"))
    expect(region.locator("tbody tr", has_text=first.user.full_name)).to_be_visible()
    assert region.get_attribute("tabindex") == "0"  # a keyboard can scroll it
    assert_accessible(page)


# d. Building a rubric ---------------------------------------------------------------------------


def test_coordinator_builds_a_rubric_in_the_grid_editor(page: Page, demo: Any) -> None:
    from lentera.assessment.models import Rubric

    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/")
    open_from_menu(page, "/bank-soal/rubrik/")
    expect(page.locator("h1")).to_have_text(id_("Rubrics"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=id_("New rubric")).click()
    assert path_of(page) == "/bank-soal/rubrik/baru/"
    # a new rubric starts with four levels (4, 3, 2, 1 points) and three empty criteria
    expect(page.locator("input[name$='-points']")).to_have_count(4)
    expect(page.locator("input[name^='criterion-'][name$='-name']")).to_have_count(3)

    page.fill("#rubric-title", "Rubrik kelas literasi informasi")
    page.fill("#rubric-description", "Dipakai untuk simulasi kelas literasi bagi pelajar SMA.")
    grid = [
        ("Tujuan kelas", ["Tujuan jelas dan terukur", "Tujuan jelas", "Tujuan samar", "Tanpa tujuan"]),
        ("Contoh sumber", ["Contoh lokal dan relevan", "Contoh relevan", "Contoh kurang pas", "Tanpa contoh"]),
        ("Interaksi", ["Pelajar aktif mencoba", "Ada tanya jawab", "Satu arah", "Tidak ada interaksi"]),
        ("Evaluasi sumber", ["Memakai kriteria kredibilitas", "Menyebut kriteria", "Sekilas", "Tidak dibahas"]),
    ]

    def fill_criterion(j: int) -> None:
        name, texts = grid[j]
        page.fill(f"#criterion-{j}-name", name)
        for i, text in enumerate(texts):
            page.fill(f"#criterion-{j}-d{i}", text)

    for j in range(3):
        fill_criterion(j)
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Add a criterion")).click()
    # the round trip keeps what was typed and adds an empty fourth row
    expect(page.locator("#criterion-3-name")).to_have_value("")
    expect(page.locator("#criterion-0-d0")).to_have_value("Tujuan jelas dan terukur")
    expect(page.locator("#rubric-title")).to_have_value("Rubrik kelas literasi informasi")
    fill_criterion(3)

    # A bad points value: the form comes back naming the level, nothing saved, nothing lost.
    page.fill("#level-2-points", "dua")
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Save the rubric")).click()
    error = page.locator(".alert-danger")
    expect(error).to_contain_text(id_("Level %(n)s: points must be a whole number from 0 to 100.") % {"n": 3})
    expect(page.locator("#criterion-3-d3")).to_have_value("Tidak dibahas")
    assert not Rubric.objects.filter(title="Rubrik kelas literasi informasi").exists()
    assert_accessible(page)

    page.fill("#level-2-points", "2")
    with page.expect_navigation():
        page.get_by_role("button", name=id_("Save the rubric")).click()
    rubric = Rubric.objects.get(title="Rubrik kelas literasi informasi")
    assert path_of(page) == f"/bank-soal/rubrik/{rubric.pk}/"
    expect(page.locator(".alert-success")).to_contain_text(id_("The rubric was saved."))
    assert [(level.label, level.points) for level in rubric.levels.all()] == [
        (id_("Very good"), 4),
        (id_("Good"), 3),
        (id_("Fair"), 2),
        (id_("Needs work"), 1),
    ]
    assert [c.name for c in rubric.criteria.all()] == [name for name, _texts in grid]
    interaksi = rubric.criteria.get(name="Interaksi")
    assert [d.text for d in interaksi.descriptors.order_by("level__order")] == grid[2][1]
    assert rubric.created_by is not None and rubric.created_by.username == "koordinator"
    assert_accessible(page)
    shot(page, "rubrik.png")
