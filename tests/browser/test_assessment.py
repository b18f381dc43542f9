"""Pre- and post-tests in the browser: a participant takes the post-test on a phone (answers
survive a lost connection, a double submit records one attempt), and the coordinator reads the
question bank and the 2025 cohort's results with the normalised gain.

The demo has a 10-question bank; "Angkatan I 2026" has an open pre-test every enrolled
participant has taken, "Angkatan 2025" closed pre- and post-tests (see lentera/demo/assessment.py).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.delivery_helpers import PHONE, demo_cohort, id_, phone_page, scroll_width
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

        # Submit (accepting the confirm), then a second submit (a double tap) changes nothing.
        token = phone.locator("#submit-test input[name=csrfmiddlewaretoken]").get_attribute("value")
        phone.once("dialog", lambda dialog: dialog.accept())
        with phone.expect_navigation():
            phone.locator("#submit-test button[type=submit]").click()
        assert path_of(phone) == f"/bank-soal/tes/{test.pk}/hasil/"
        expect(phone.locator("main .display-6")).to_have_text(re.compile(r"^\d{1,3}%$"))
        again = phone.request.post(
            f"{demo.url}/bank-soal/tes/{test.pk}/kumpulkan/",
            form={"csrfmiddlewaretoken": str(token)},
            headers={"Referer": f"{demo.url}/bank-soal/tes/{test.pk}/"},
        )
        assert again.ok, again.status
        width = scroll_width(phone)
        assert width <= PHONE["width"], f"the result page scrolls sideways at 375 px: {width} px wide"
        assert_accessible(phone)

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
    people = page.locator("section[aria-labelledby='results-heading'] table").first.locator("tbody tr")
    expect(people).not_to_have_count(0)
    assert_accessible(page)
    shot(page, "hasil-tes.png")
