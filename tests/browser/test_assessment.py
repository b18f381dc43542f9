"""Pre- and post-tests in the browser: a participant takes the post-test on a phone (answers
survive a lost connection, the submit button sits apart from Next, unanswered questions are
named before submitting, a double submit records one attempt, the review labels "Jawaban Anda"
and "Jawaban benar"), and the coordinator reads the question bank and the 2025 cohort's results
with the normalised gain and the class averages, and is asked before opening the post-test while
the pre-test is open.

The demo has a 10-question bank; "Angkatan I 2026" has an open pre-test every enrolled
participant has taken, "Angkatan 2025" closed pre- and post-tests (see lentera/demo/assessment.py).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import PHONE, demo_cohort, id_, id_plural, phone_page, scroll_width
from tests.browser.helpers import assert_accessible, login, path_of, shot

POST_TITLE = "Post-test Angkatan I 2026"


def _open_post_test() -> Any:
    from lentera.assessment import exam_services
    from lentera.assessment.models import Question

    cohort = demo_cohort()
    test = exam_services.test_create(
        actor=None,
        cohort=cohort,
        kind="post",
        title=POST_TITLE,
        questions=list(Question.objects.filter(library=cohort.library).order_by("pk")),
        layout="one",
    )
    return exam_services.test_set_open(actor=None, test=test, is_open=True)


def _answer_first_option(phone: Page) -> str:
    """Tick the first option of the question on screen; wait until the server says it is kept."""
    question = phone.locator("form.test-question").first
    option = question.locator("input[name=choice]").first
    option.check()
    expect(question.locator(".save-state")).to_have_text(id_("Saved"))
    return str(option.get_attribute("id"))


def test_participant_takes_the_post_test_on_a_phone(browser: Browser, demo: Any) -> None:
    from lentera.accounts.models import User
    from lentera.assessment.models import Attempt

    test = _open_post_test()
    peserta = User.objects.get(username="peserta")
    assert id_("Saved") == "Tersimpan"

    with phone_page(browser) as phone:
        login(phone, demo, "peserta")
        phone.goto(f"{demo.url}/")
        section = phone.locator("section[aria-labelledby='tests-heading']")
        expect(section.locator("h2")).to_have_text("Tes")
        row = section.locator("li", has_text=POST_TITLE)
        with phone.expect_navigation():
            row.get_by_role("link", name=id_("Start")).click()
        assert path_of(phone) == f"/bank-soal/tes/{test.pk}/"
        expect(phone.locator("h1")).to_have_text(POST_TITLE)

        # Question 1, then question 2 via "Berikutnya"; each answer is saved as it is given.
        first = _answer_first_option(phone)
        with phone.expect_navigation():
            phone.get_by_role("link", name=id_("Next")).click()
        expect(phone.locator("legend").first).to_contain_text("2.")
        second = _answer_first_option(phone)
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the test page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)

        # The connection drops and comes back; a reload continues with the answers kept.
        phone.context.set_offline(True)
        phone.context.set_offline(False)
        phone.reload()
        expect(phone.locator(f"#{second}")).to_be_checked()
        phone.goto(f"{demo.url}/bank-soal/tes/{test.pk}/?no=1")
        expect(phone.locator(f"#{first}")).to_be_checked()
        expect(phone.locator("main")).to_contain_text("2 dari 10")
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the test page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "tes-375.png")

        # The submit button is in its own section, well below "Berikutnya": a thumb on Next
        # never lands on it.
        phone.goto(f"{demo.url}/bank-soal/tes/{test.pk}/?no=1")
        next_box = phone.get_by_role("link", name=id_("Next")).bounding_box()
        submit = phone.locator("#submit-test button[type=submit]")
        submit_box = submit.bounding_box()
        assert next_box and submit_box
        gap = submit_box["y"] - (next_box["y"] + next_box["height"])
        assert gap >= 48, f"the submit button is {gap} px below Next"
        expect(phone.locator("section.test-finish h2")).to_have_text(id_("Finished with every question?"))
        shot(phone, "tes-kumpulkan-375.png")

        # Submitting with 8 questions open names them first; "Tetap kumpulkan" submits.
        token = phone.locator("#submit-test input[name=csrfmiddlewaretoken]").get_attribute("value")
        with phone.expect_navigation():
            submit.click()
        assert path_of(phone) == f"/bank-soal/tes/{test.pk}/"
        finish = phone.locator("#finish")
        expect(finish.locator("h2")).to_have_text(
            id_plural("%(n)s question is not answered yet", "%(n)s questions are not answered yet", 8)
        )
        expect(finish.get_by_role("link")).to_have_count(8)
        assert Attempt.objects.get(test=test, user=peserta).submitted_at is None
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the finish panel scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "tes-belum-dijawab-375.png")
        with phone.expect_navigation():
            finish.get_by_role("button", name=id_("Submit anyway")).click()
        assert path_of(phone) == f"/bank-soal/tes/{test.pk}/hasil/"
        expect(phone.locator("main .display-6")).to_have_text(re.compile(r"^\d{1,3}%$"))
        again = phone.request.post(
            f"{demo.url}/bank-soal/tes/{test.pk}/kumpulkan/",
            form={"csrfmiddlewaretoken": str(token)},
            headers={"Referer": f"{demo.url}/bank-soal/tes/{test.pk}/"},
        )
        assert again.ok, again.status

        # The review: what they chose and the correct answer, each labelled, with a word besides
        # the colour and the icon. Question 1: the first option (the right one, "Sirkulasi").
        first_item = phone.locator(".review-item").first
        expect(first_item.locator(".review-yours dt")).to_have_text(id_("Your answer"))
        expect(first_item.locator(".review-yours dd")).to_contain_text("A. Sirkulasi")
        expect(first_item.locator(".review-verdict")).to_have_text(f"✓ {id_('correct')}")
        expect(first_item.locator(".review-right dt")).to_have_text(id_("Correct answer"))
        expect(first_item.locator(".review-right dd")).to_have_text("A. Sirkulasi")
        third = phone.locator(".review-item").nth(2)  # not answered
        expect(third.locator(".review-yours dd")).to_contain_text(id_("not answered"))
        expect(third.locator(".review-verdict")).to_have_text(f"✗ {id_('not correct')}")
        expect(third.locator(".review-right dd")).to_have_text("A. 000")
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the result page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)
        shot(phone, "tes-hasil-375.png")

    attempts = Attempt.objects.filter(test=test, user=peserta)
    assert attempts.count() == 1
    attempt = attempts.get()
    assert attempt.submitted_at is not None
    assert attempt.answers.count() == 2


def test_coordinator_reads_the_bank_and_the_gain(page: Page, demo: Any) -> None:
    from lentera.assessment.models import CohortTest, Question
    from lentera.delivery.models import Cohort

    cohort = Cohort.objects.get(name="Angkatan 2025")
    login(page, demo, "koordinator")

    page.goto(f"{demo.url}/bank-soal/")
    expect(page.locator("h1")).to_have_text(id_("Question bank"))
    count = Question.objects.filter(library=cohort.library, is_active=True).count()
    expect(page.locator("main .list-group > .list-group-item")).to_have_count(count)
    assert_accessible(page)
    shot(page, "bank-soal.png")

    page.goto(f"{demo.url}/bank-soal/angkatan/{cohort.pk}/tes/")
    expect(page.locator("h1")).to_have_text(id_("Pre-test and post-test"))
    tests = page.locator("section[aria-labelledby='tests-heading'] .card")
    expect(tests).to_have_count(CohortTest.objects.filter(cohort=cohort).count())
    gain = page.locator(".stat-card", has_text=id_("Normalised gain ⟨g⟩ (class averages)")).locator(".stat-value")
    expect(gain).to_have_text(re.compile(r"^-?\d+,\d\d$"))
    band = page.locator(".stat-card", has_text=id_("Band")).locator(".stat-value")
    expect(band).to_have_text(re.compile(f"^({id_('low')}|{id_('medium')}|{id_('high')})$"))
    # the class averages the gain uses, with their n: numbers, never an empty "pre %"
    expect(page.locator("#pre-mean")).to_have_text(re.compile(r"^\d{1,3},\d%$"))
    expect(page.locator("#post-mean")).to_have_text(re.compile(r"^\d{1,3},\d%$"))
    from lentera.assessment.exam_selectors import cohort_results

    n = cohort_results(cohort=cohort).gain.n
    assert n > 0
    expect(page.locator("#gain-basis")).to_contain_text(f"{n} peserta yang mengikuti pre-test dan post-test")
    people = page.locator("section[aria-labelledby='results-heading'] table").first.locator("tbody tr")
    expect(people).not_to_have_count(0)
    assert_accessible(page)
    shot(page, "hasil-tes.png")


def test_coordinator_is_asked_before_opening_the_post_test_while_the_pre_test_is_open(page: Page, demo: Any) -> None:
    from lentera.assessment import exam_services
    from lentera.assessment.models import CohortTest, Question

    cohort = demo_cohort()
    pre = CohortTest.objects.get(cohort=cohort, kind="pre")
    assert pre.is_open  # the demo keeps the running cohort's pre-test open for latecomers
    post = exam_services.test_create(
        actor=None,
        cohort=cohort,
        kind="post",
        title=POST_TITLE,
        questions=list(Question.objects.filter(library=cohort.library).order_by("pk")),
    )
    login(page, demo, "koordinator")
    page.goto(f"{demo.url}/bank-soal/angkatan/{cohort.pk}/tes/")
    card = page.locator("section[aria-labelledby='tests-heading'] .card", has_text=POST_TITLE)
    with page.expect_navigation():
        card.get_by_role("button", name=id_("Open for participants")).click()
    warning = page.locator("#confirm-open")
    expect(warning.get_by_role("heading", name=id_("The pre-test is still open"), exact=True)).to_be_visible()
    expect(warning).to_contain_text(pre.title)
    post.refresh_from_db()
    assert not post.is_open  # nothing happens until the coordinator chooses
    assert_accessible(page)
    shot(page, "tes-peringatan-pretest.png")
    with page.expect_navigation():
        warning.get_by_role("button", name=id_("Close the pre-test and open the post-test")).click()
    expect(page.locator("#confirm-open")).to_have_count(0)
    pre.refresh_from_db()
    post.refresh_from_db()
    assert (pre.is_open, post.is_open) == (False, True)
