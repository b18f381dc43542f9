"""Migration 0003: the answers stored as rows before become the rounds' aggregates, and the
per-person rows of anonymous rounds are gone (named rounds keep theirs)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leaves no re-made content types behind

BEFORE = [("evaluation", "0002_aggregates")]
AFTER = [("evaluation", "0004_named_responses_only")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_answers_become_aggregates_and_anonymous_rows_go() -> None:
    old = _migrate(BEFORE)
    Library = old.get_model("accounts", "Library")
    User = old.get_model("accounts", "User")
    Programme = old.get_model("curriculum", "Programme")
    Cohort = old.get_model("delivery", "Cohort")
    FeedbackForm = old.get_model("evaluation", "FeedbackForm")
    FormItem = old.get_model("evaluation", "FormItem")
    Survey = old.get_model("evaluation", "Survey")
    Response = old.get_model("evaluation", "Response")
    Answer = old.get_model("evaluation", "Answer")
    library = Library.objects.create(name="Perpustakaan M", slug="migrasi", city="X", province="Y")
    programme = Programme.objects.create(library=library, year=2026, title="Program M")
    cohort = Cohort.objects.create(
        library=library, programme=programme, name="Angkatan M", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6)
    )
    form = FeedbackForm.objects.create(library=library, title="Akhir angkatan", kind="cohort")
    rated = FormItem.objects.create(form=form, order=1, text="Bermanfaat", kind="likert", dimension="overall")
    several = FormItem.objects.create(
        form=form, order=2, text="Yang berguna", kind="multiple", dimension="overall", options=["A", "B"]
    )
    said = FormItem.objects.create(form=form, order=3, text="Saran", kind="long_text", dimension="overall")
    now = timezone.now()
    rounds = {}
    for anonymous in (True, False):
        survey = Survey.objects.create(
            library=library,
            cohort=cohort,
            kind="cohort" if anonymous else "follow_up",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            is_anonymous=anonymous,
        )
        survey.forms.add(form)
        rounds[anonymous] = survey
        for n, (rating, picked, text, review) in enumerate(
            [(5, ["A", "B"], "Zaman", "shown"), (4, ["A"], "", "shown"), (None, [], "Asyik", "hidden")]
        ):
            person = User.objects.create(username=f"m{anonymous}{n}", full_name=f"Orang {n}")
            response = Response.objects.create(
                survey=survey, submitted_on=date(2026, 3, 6), respondent=None if anonymous else person
            )
            Answer.objects.create(response=response, item=rated, rating=rating, not_applicable=rating is None)
            if picked:
                Answer.objects.create(response=response, item=several, choices=picked)
            if text:
                Answer.objects.create(response=response, item=said, text=text, review=review)

    new = _migrate(AFTER)
    Tally = new.get_model("evaluation", "Tally")
    Comments = new.get_model("evaluation", "Comments")
    Survey = new.get_model("evaluation", "Survey")
    Response = new.get_model("evaluation", "Response")
    for survey in rounds.values():
        counts = dict(Tally.objects.filter(survey_id=survey.pk, item_id=rated.pk).values_list("value", "count"))
        assert counts == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "na": 1}
        choices = dict(Tally.objects.filter(survey_id=survey.pk, item_id=several.pk).values_list("value", "count"))
        assert choices == {"A": 2, "B": 1, "": 2}  # "" = how many answered the multiple choice
        (listed,) = Comments.objects.filter(survey_id=survey.pk, item_id=said.pk)
        assert listed.entries == [["Asyik", "hidden"], ["Zaman", "shown"]]  # sorted by text, reviews kept
        assert Survey.objects.get(pk=survey.pk).participant_responses == 3
        # rows made in the order of the form, never in the order of the answers
        keys = list(Tally.objects.filter(survey_id=survey.pk).order_by("pk").values_list("item_id", "value"))
        assert keys[:6] == [(rated.pk, v) for v in ("1", "2", "3", "4", "5", "na")]
    assert not Response.objects.filter(survey_id=rounds[True].pk).exists()  # anonymous: gone
    assert Response.objects.filter(survey_id=rounds[False].pk).count() == 3  # named: kept
