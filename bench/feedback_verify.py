"""Count the feedback burst's rounds in the database: invitations, responses and answers.

Usage: python bench/feedback_verify.py SURVEY_ID[,SURVEY_ID...] EXPECTED_ANSWERS[,...] (one per round).

Answers are stored as each round's anonymous aggregates (counters and comment lists, no row per
response), so "responses" is each round's count of responses and "answers" what its counters and
comment lists hold. Prints JSON: invitations, invitations answered, responses counted, duplicated
(responses beyond the answered invitations, per round), unanswered_responses (the reverse),
inconsistent (rounds whose aggregates do not hold exactly EXPECTED answers per response) and
answers counted.
"""

import json
import sys

import django_env  # noqa: F401 - sets up Django
from django.db.models import Count, Sum

from lentera.evaluation.models import Comments, Invitation, Survey, Tally

surveys = [int(pk) for pk in sys.argv[1].split(",")]
expected = dict(zip(surveys, (int(n) for n in sys.argv[2].split(",")), strict=True))
answered = dict(
    Invitation.objects.filter(survey_id__in=surveys, answered=True)
    .values("survey_id")
    .annotate(n=Count("id"))
    .values_list("survey_id", "n")
)
responses = dict(Survey.objects.filter(pk__in=surveys).values_list("pk", "participant_responses"))
counted = dict(
    Tally.objects.filter(survey_id__in=surveys)
    .exclude(value=Tally.ANSWERED)
    .values("survey_id")
    .annotate(n=Sum("count"))
    .values_list("survey_id", "n")
)
for survey_id, entries in Comments.objects.filter(survey_id__in=surveys).values_list("survey_id", "entries"):
    counted[survey_id] = counted.get(survey_id, 0) + len(entries)
print(
    json.dumps(
        {
            "invitations": Invitation.objects.filter(survey_id__in=surveys).count(),
            "answered": sum(answered.values()),
            "responses": sum(responses.values()),
            "duplicated": sum(max(0, responses.get(pk, 0) - answered.get(pk, 0)) for pk in surveys),
            "unanswered_responses": sum(max(0, answered.get(pk, 0) - responses.get(pk, 0)) for pk in surveys),
            "inconsistent": sum(1 for pk in surveys if counted.get(pk, 0) != responses.get(pk, 0) * expected[pk]),
            "answers": sum(counted.values()),
        }
    )
)
