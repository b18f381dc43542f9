"""Count the feedback burst's rounds in the database: invitations, responses and answers.

Usage: python bench/feedback_verify.py SURVEY_ID[,SURVEY_ID...] EXPECTED_ANSWERS[,...] (one per round).

Prints JSON: invitations, invitations answered, responses stored, duplicated (responses beyond
the answered invitations, per round), responses whose answer count is not the round's expected
count (inconsistent), and answers stored.
"""

import json
import sys

import django_env  # noqa: F401 - sets up Django
from django.db.models import Count

from lentera.evaluation.models import Answer, Invitation, Response

surveys = [int(pk) for pk in sys.argv[1].split(",")]
expected = dict(zip(surveys, (int(n) for n in sys.argv[2].split(",")), strict=True))
answered = dict(
    Invitation.objects.filter(survey_id__in=surveys, answered=True)
    .values("survey_id")
    .annotate(n=Count("id"))
    .values_list("survey_id", "n")
)
responses = dict(
    Response.objects.filter(survey_id__in=surveys)
    .values("survey_id")
    .annotate(n=Count("id"))
    .values_list("survey_id", "n")
)
per_response = list(
    Answer.objects.filter(response__survey_id__in=surveys)
    .values("response_id", "response__survey_id")
    .annotate(n=Count("id"))
    .values_list("response__survey_id", "n")
)
print(
    json.dumps(
        {
            "invitations": Invitation.objects.filter(survey_id__in=surveys).count(),
            "answered": sum(answered.values()),
            "responses": sum(responses.values()),
            "duplicated": sum(max(0, responses.get(pk, 0) - answered.get(pk, 0)) for pk in surveys),
            "unanswered_responses": sum(max(0, answered.get(pk, 0) - responses.get(pk, 0)) for pk in surveys),
            "inconsistent": sum(1 for survey, n in per_response if n != expected[survey])
            + (sum(responses.values()) - len(per_response)),  # responses without any answer
            "answers": Answer.objects.filter(response__survey_id__in=surveys).count(),
        }
    )
)
