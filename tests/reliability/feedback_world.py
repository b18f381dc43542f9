"""A scratch feedback world for the killed-worker test, run in a subprocess against a scratch database.

``python -m tests.reliability.feedback_world seed N`` (from the project root, with the scratch
environment) migrates the scratch database, then makes a library with the ready-made forms, a
non-anonymous cohort (so each response names its respondent and can be counted per invitation)
whose 3 sessions ended within the last hour, a 4th session tomorrow, and N enrolled participants,
each with a signed-in session. Prints JSON as its last line: the rounds (survey id, the fields of
a full answer, the answers one response stores) and the participants (user id, session key).

``python -m tests.reliability.feedback_world count SURVEY_ID[,...]`` prints JSON: per round, per
invited user, whether the invitation is marked answered and how many responses the user has in
that round, plus the answer count of every response; and per round its anonymous aggregates (what
every round, named or not, is reported from): its count of responses, each rating field's total of
counts, and its number of comments.
"""

from __future__ import annotations

import json
import sys
import time

import django

SESSIONS = 3


def seed(people: int) -> dict:
    from lentera.accounts.tests.factories import signed_in_session
    from lentera.evaluation.tests.factories import feedback_cohort

    world = feedback_cohort(
        people=people, sessions=SESSIONS, tag=f"rel-{time.time_ns()}", instructors_per_session=1, anonymous=False
    )
    sessions = [signed_in_session(user, world.library) for user in world.participants]
    return {"rounds": world.rounds, "users": [u.pk for u in world.participants], "sessions": sessions}


def count(surveys: list[int]) -> dict:
    from django.db.models import Count, Sum

    from lentera.evaluation.models import Answer, Comments, Invitation, Response, Survey, Tally

    invitations = [
        {"survey": survey, "user": user, "answered": answered}
        for survey, user, answered in Invitation.objects.filter(survey_id__in=surveys).values_list(
            "survey_id", "user_id", "answered"
        )
    ]
    per_person = {
        f"{survey}:{user}": n
        for survey, user, n in Response.objects.filter(survey_id__in=surveys)
        .values("survey_id", "respondent_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "respondent_id", "n")
    }
    answers = dict(
        Answer.objects.filter(response__survey_id__in=surveys)
        .values("response_id")
        .annotate(n=Count("id"))
        .values_list("response_id", "n")
    )
    responses = list(Response.objects.filter(survey_id__in=surveys).values_list("pk", "survey_id"))
    aggregates = {}
    for survey in Survey.objects.filter(pk__in=surveys):
        totals = (
            Tally.objects.filter(survey=survey, value__in=["1", "2", "3", "4", "5", "na"])
            .values("item_id", "instructor_id")
            .annotate(n=Sum("count"))
        )
        comments = Comments.objects.filter(survey=survey).values_list("entries", flat=True)
        aggregates[str(survey.pk)] = {
            "responses": survey.participant_responses,
            "rating_totals": sorted(row["n"] for row in totals if row["n"]),
            "comments": sum(len(entries) for entries in comments),
        }
    return {
        "aggregates": aggregates,
        "invitations": invitations,
        "responses_per_person": per_person,
        "answers_per_response": [[survey, answers.get(pk, 0)] for pk, survey in responses],
    }


def main() -> None:
    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    if command == "seed":
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        result = seed(int(argument))
    elif command == "count":
        result = count([int(pk) for pk in argument.split(",")])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
