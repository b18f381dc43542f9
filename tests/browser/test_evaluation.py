"""Feedback in the browser: a participant answers a session round on a phone (the draft survives a
reload, a double tap records one anonymous response), an instructor reads their own scorecard and
nobody else's, the coordinator reads the 2025 cohort's evaluation report with its charts and
downloads, and hides a comment in place. The pages are the screenshots of the user guide.

The demo (lentera/demo/evaluation.py) leaves the latest session round of "Angkatan I 2026" open
for the demo participant ``peserta``; "Angkatan 2025" has every round answered, its comments
reviewed, and pre-/post-tests, so its report is complete.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import (
    PHONE,
    demo_cohort,
    id_,
    pdf_text,
    phone_page,
    scroll_width,
    xlsx_rows,
)
from tests.browser.helpers import assert_accessible, login, open_from_menu, path_of, shot, shots_dir

COHORT_2025 = "Angkatan 2025"


def _fits_a_phone(page: Page, what: str) -> None:
    width = scroll_width(page)
    assert width <= PHONE["width"], f"{what} scrolls sideways at 375 px: {width} px wide"


def shot_path(name: str) -> Path:
    """Where a screenshot of one part of a page goes (next to the full-page ones)."""
    return shots_dir() / name


def _open_round_for_peserta() -> Any:
    """The session round of Angkatan I 2026 the demo participant still has to answer.

    The demo leaves the latest ended session's round open (72 hours); should none be open when the
    tests run (a long weekend, say), the next session is moved to have ended an hour ago, as the
    coordinator's "Move" would, and its round is opened.
    """
    from lentera.accounts.models import User
    from lentera.delivery import services as delivery
    from lentera.evaluation import services
    from lentera.evaluation.models import Survey

    now = timezone.now()
    cohort = demo_cohort()
    open_rounds = Survey.objects.filter(
        cohort=cohort,
        kind=Survey.Kind.SESSION,
        opens_at__lte=now,
        closes_at__gt=now,
        invitations__user__username="peserta",
        invitations__answered=False,
    ).select_related("session__plan")
    survey = open_rounds.order_by("-closes_at").first()
    if survey is None:
        later = cohort.sessions.filter(starts_at__gt=now).order_by("starts_at").first()
        assert later is not None, "the demo cohort has no session to move"
        length = later.ends_at - later.starts_at
        end = now - timedelta(hours=1)
        delivery.session_schedule(
            actor=User.objects.get(username="koordinator"),
            cohort=cohort,
            plan=later.plan,
            starts_at=end - length,
            ends_at=end,
            room=later.room,
            instructors=list(later.instructors.all()),
            session=later,
        )
        services.surveys_ensure(cohort=cohort, now=now)
        survey = open_rounds.order_by("-closes_at").first()
    assert survey is not None, "no session round is open for peserta"
    assert survey.is_anonymous
    return survey


def _likert_groups(page: Page) -> list[str]:
    """The names of the five-point questions on the form, in page order."""
    names = page.evaluate(
        """() => [...new Set([...document.querySelectorAll('form[data-draft-key] input.btn-check')]
                 .map((input) => input.name))]"""
    )
    return [str(name) for name in names]


def _tap(page: Page, name: str, value: str) -> None:
    page.locator(f"label[for='{name}-{value}']").click()
    expect(page.locator(f"#{name}-{value}")).to_be_checked()


# a. Answering a session round on a phone -----------------------------------------------------


def test_participant_answers_a_session_round_on_a_phone(browser: Browser, demo: Any) -> None:
    from lentera.evaluation.models import Comments, Invitation, Response, Tally

    survey = _open_round_for_peserta()
    title = survey.session.plan.title
    key = f"feedback-{survey.pk}"
    counted = Tally.objects.filter(survey=survey)
    before = {(t.item_id, t.instructor_id, t.value): t.count for t in counted}

    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.goto(f"{demo.url}/")
        card = phone.locator("section[aria-labelledby='feedback-heading']")
        expect(card.locator("h2")).to_have_text(id_("Feedback to give"))
        row = card.locator("li", has_text=title)
        expect(row).to_have_count(1)
        _fits_a_phone(phone, "the dashboard")
        assert_accessible(phone)
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(shot_path("dashboard-umpan-balik-375.png")), animations="disabled")
        with phone.expect_navigation():
            row.get_by_role("link", name=id_("Fill in")).click()
        assert path_of(phone) == f"/umpan-balik/isi/{survey.pk}/"
        expect(phone.locator("h1")).to_have_text(title)
        expect(phone.locator("[data-draft-note]")).to_be_hidden()

        # Half the five-point questions, tapped, and one comment typed.
        groups = _likert_groups(phone)
        assert len(groups) >= 8, groups
        half = len(groups) // 2
        first, rest = groups[:half], groups[half:]
        for index, name in enumerate(first):
            _tap(phone, name, "5" if index % 2 else "4")
        comment = phone.locator("form[data-draft-key] textarea").first
        comment.fill("Praktik langsung sangat membantu.")
        assert phone.evaluate(f"localStorage.getItem('{key}') !== null")

        # The page is reloaded mid-way: the answers are put back, with a note saying so.
        phone.reload()
        for index, name in enumerate(first):
            expect(phone.locator(f"#{name}-{'5' if index % 2 else '4'}")).to_be_checked()
        for name in rest:
            expect(phone.locator(f"input[name='{name}']:checked")).to_have_count(0)
        expect(comment).to_have_value("Praktik langsung sangat membantu.")
        note = phone.locator("[data-draft-note]")
        expect(note).to_be_visible()
        expect(note).to_have_text(id_("Your unsent answers from before were put back."))
        # Opened afresh (not the browser's own form restore on reload), the draft comes back too.
        phone.goto(f"{demo.url}/umpan-balik/isi/{survey.pk}/")
        for index, name in enumerate(first):
            expect(phone.locator(f"#{name}-{'5' if index % 2 else '4'}")).to_be_checked()
        expect(comment).to_have_value("Praktik langsung sangat membantu.")
        expect(note).to_be_visible()
        _fits_a_phone(phone, "the feedback form")
        assert_accessible(phone)
        shot(phone, "isi-umpan-balik-375.png")

        # The rest answered (one "not applicable"), then "Kirim jawaban saya" tapped twice quickly.
        for index, name in enumerate(rest):
            _tap(phone, name, "na" if index == 0 else "4")
        _fits_a_phone(phone, "the feedback form")
        data = phone.evaluate(
            """() => Object.fromEntries(new FormData(document.querySelector('form[data-draft-key]')))"""
        )
        send = phone.get_by_role("button", name=id_("Send my answers"))
        assert id_("Send my answers") == "Kirim jawaban saya"
        with phone.expect_navigation():
            send.evaluate("(button) => { button.click(); button.click(); }")
        assert path_of(phone) == f"/umpan-balik/isi/{survey.pk}/"
        expect(phone.locator("h1")).to_have_text(id_("Thank you"))
        assert phone.evaluate(f"localStorage.getItem('{key}')") is None

        # A retry of the same submission (a tap whose answer was slow to come) changes nothing.
        again = phone.request.post(
            f"{demo.url}/umpan-balik/isi/{survey.pk}/",
            form=data,
            headers={"Referer": f"{demo.url}/umpan-balik/isi/{survey.pk}/"},
        )
        assert again.ok, again.status
        assert id_("Thank you") in again.text()

        # A draft left behind in the browser is forgotten when the thank-you page loads again.
        phone.evaluate(f"localStorage.setItem('{key}', JSON.stringify({{x: ['1']}}))")
        phone.reload()
        expect(phone.locator("h1")).to_have_text(id_("Thank you"))
        assert phone.evaluate(f"localStorage.getItem('{key}')") is None
        _fits_a_phone(phone, "the thank-you page")
        assert_accessible(phone)
        shot(phone, "terima-kasih-375.png")

        # The round has left the dashboard.
        phone.goto(f"{demo.url}/")
        expect(phone.locator("section[aria-labelledby='feedback-heading'] li", has_text=title)).to_have_count(0)

    responses = survey.participant_responses
    survey.refresh_from_db()
    assert survey.participant_responses == responses + 1, "one tap, one retry: exactly one response"
    assert not Response.objects.filter(survey=survey).exists(), "an anonymous round keeps no row per person"
    assert Invitation.objects.get(survey=survey, user__username="peserta").answered
    now = Tally.objects.filter(survey=survey)  # read again (``counted`` holds the rows read before)
    added = {key: t.count - before[key] for t in now if (key := (t.item_id, t.instructor_id, t.value)) in before}
    assert sum(n for (_i, _u, value), n in added.items() if value in "12345") == len(groups) - 1
    assert sum(n for (_i, _u, value), n in added.items() if value == "na") == 1
    written = [t for c in Comments.objects.filter(survey=survey) for t, _review in c.entries]
    assert written.count("Praktik langsung sangat membantu.") >= 1


# b. The instructor's own scorecard, and nobody else's ----------------------------------------


def test_instructor_reads_their_scorecard_only(page: Page, demo: Any) -> None:
    from django.db.models import Q

    from lentera.accounts.models import User
    from lentera.evaluation.models import Comments

    me = User.objects.get(username="instruktur")
    other = User.objects.get(username="rina.marlina")
    login(page, demo, "instruktur")
    assert id_("My scorecard") == "Rapor saya"
    expect(page.locator("#main-nav a[href='/umpan-balik/instruktur/saya/']")).to_have_text(id_("My scorecard"))
    open_from_menu(page, "/umpan-balik/instruktur/saya/")
    assert path_of(page) == f"/umpan-balik/instruktur/{me.pk}/"
    expect(page.locator("h1")).to_have_text(id_("Instructor scorecard"))
    expect(page.locator("main")).to_contain_text(me.full_name)
    rows = page.locator("main table tbody tr")
    expect(rows.first).not_to_contain_text(id_("No results above the anonymity floor yet."))
    assert rows.count() >= 3
    expect(rows.first.locator("td").nth(4)).to_have_text(re.compile(r"^\d{1,3}%$"))
    assert_accessible(page)
    shot(page, "rapor-instruktur.png")

    # The results of a session they taught: their own block only, and only the comments shown to them.
    (hidden_list,) = [
        c
        for c in Comments.objects.filter(survey__cohort__name=COHORT_2025).select_related("survey__session__plan")
        if any(review == "hidden" for _text, review in c.entries)
    ]
    hidden_text = next(text for text, review in hidden_list.entries if review == "hidden")
    survey = hidden_list.survey
    teachers = list(survey.session.instructors.all())
    assert me in teachers
    page.goto(f"{demo.url}/umpan-balik/{survey.pk}/hasil/")
    expect(page.locator("h1")).to_have_text(survey.session.plan.title)
    expect(page.locator("main h2", has_text=me.full_name)).to_have_count(1)
    for person in teachers:
        if person != me:
            expect(page.locator("main h2", has_text=person.full_name)).to_have_count(0)
    # the same words may have been written by others: those shown, about the session or about me, are listed
    floor = survey.library.anonymity_floor  # a list under the floor shows nothing
    shown_alike = sum(
        1
        for c in Comments.objects.filter(Q(instructor__isnull=True) | Q(instructor=me), survey=survey)
        if len(c.entries) >= floor
        for text, review in c.entries
        if text == hidden_text and review == "shown"
    )
    expect(page.locator("main li", has_text=hidden_text)).to_have_count(shown_alike)
    expect(page.get_by_role("button", name=id_("Hide"))).to_have_count(0)
    assert_accessible(page)

    response = page.goto(f"{demo.url}/umpan-balik/instruktur/{other.pk}/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("403")
    expect(page.locator("main")).not_to_contain_text(other.full_name)
    assert_accessible(page)


# c. The 2025 cohort's evaluation report, its charts and downloads ---------------------------


def test_coordinator_reads_the_report_and_downloads_it(page: Page, demo: Any) -> None:
    from lentera.delivery.models import Cohort

    cohort = Cohort.objects.get(name=COHORT_2025)
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/angkatan/{cohort.pk}/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=id_("Feedback"), exact=True).click()
    assert path_of(page) == f"/umpan-balik/angkatan/{cohort.pk}/"
    rounds = page.locator("main table tbody tr")
    expect(rounds.first).to_contain_text("%")
    assert_accessible(page)
    shot(page, "umpan-balik-angkatan.png")
    with page.expect_navigation():
        page.get_by_role("link", name=id_("Evaluation report")).click()
    assert path_of(page) == f"/umpan-balik/angkatan/{cohort.pk}/laporan/"
    expect(page.locator("h1")).to_have_text(id_("Evaluation report"))
    for heading in ("L1 Reaction", "L2 Learning", "L3 Behaviour", "L4 Results"):
        expect(page.locator("main h2", has_text=id_(heading))).to_have_count(1)
    expect(page.locator("main")).to_contain_text(
        id_(
            "The library's monthly figures, six months before and after the cohort. This is a before/after "
            "comparison, not proof that the training caused the change."
        )
    )

    # Every chart the page asks for is drawn by Chart.js, at a real size.
    charts = page.locator("canvas[data-chart]")
    expect(charts).not_to_have_count(0)
    page.wait_for_function(
        """() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]
                 .every((canvas) => window.Chart.getChart(canvas))"""
    )
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map((canvas) =>
                 [canvas.dataset.chart, canvas.width, canvas.height, canvas.getBoundingClientRect().height])"""
    )
    assert {name for name, *_ in sizes} >= {"chart-l1", "chart-l2"}, sizes
    for name, width, height, shown in sizes:
        assert width > 0 and height > 0 and shown > 50, f"{name} is not drawn: {width}×{height}, {shown} px tall"
    assert_accessible(page)
    shot(page, "laporan-evaluasi.png")

    # PDF: a real PDF naming the cohort.
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF", exact=True).click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert COHORT_2025 in text, text[:400]
    assert id_("L1 Reaction") in text

    # The raw responses, one row per answer, in a workbook.
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name=id_("Feedback figures (.xlsx)")).click()
    content = Path(xlsx_download.value.path()).read_bytes()
    assert content.startswith(b"PK")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    rows = xlsx_rows(content)
    assert len(rows) > 10, rows[:3]


# d. Hiding a comment in place ----------------------------------------------------------------


def test_coordinator_hides_a_comment_in_place(page: Page, demo: Any) -> None:
    from lentera.evaluation.models import Comments
    from lentera.evaluation.tallies import comment_digest

    lists = Comments.objects.filter(survey__cohort__name=COHORT_2025, survey__kind="session").select_related(
        "survey__library", "survey__session__plan"
    )
    # a list the floor lets anyone see, and in it a comment shown to the instructor
    comments = next((c for c in lists.order_by("pk") if len(c.entries) >= c.survey.library.anonymity_floor), None)
    assert comments is not None, "the demo has no 2025 comments above the floor"
    text = next(t for t, review in comments.entries if review == "shown")
    survey = comments.survey
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/umpan-balik/{survey.pk}/hasil/")
    expect(page.locator("h1")).to_have_text(survey.session.plan.title)
    expect(page.locator(".likert-bar").first).to_be_visible()
    assert_accessible(page)
    shot(page, "hasil-umpan-balik.png")

    row = page.locator(f"#comment-{comments.pk}-{comment_digest(text)}")
    expect(row.locator(".badge")).to_have_text(id_("shown to the instructor"))
    page.evaluate("window.__notReloaded = true")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true"
    ) as answer:
        row.get_by_role("button", name=id_("Hide")).click()
    assert answer.value.status == 200
    expect(row.locator(".badge")).to_have_text(id_("hidden"))
    expect(row.locator("span").first).to_have_class(re.compile(r"text-decoration-line-through"))
    expect(row.get_by_role("button", name=id_("Show"))).to_be_visible()
    expect(row.get_by_role("button", name=id_("Hide"))).to_have_count(0)
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded instead of swapped in place"
    comments.refresh_from_db()
    assert [text, "hidden"] in comments.entries
    page.mouse.move(0, 0)  # off the new "Show" button, whose hover colours fade in
    page.wait_for_timeout(300)
    assert_accessible(page)
