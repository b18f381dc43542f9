"""Count a test's attempts and answers in the database, per participant.

Prints JSON: attempts, people with an attempt, people with a submitted attempt, attempts
beyond one per person (duplicated), submitted attempts whose answer count is not the test's
question count, answers stored, and each person's recorded number of correct answers.
"""

import json
import sys

import django_env  # noqa: F401 - sets up Django
from django.db.models import Count

from lentera.assessment.models import Answer, Attempt, CohortTestItem

test = int(sys.argv[1])
questions = CohortTestItem.objects.filter(test_id=test).count()
attempts = Attempt.objects.filter(test_id=test)
submitted = attempts.filter(submitted_at__isnull=False)
answers = dict(
    Answer.objects.filter(attempt__test_id=test)
    .values("attempt_id")
    .annotate(n=Count("id"))
    .values_list("attempt_id", "n")
)
print(
    json.dumps(
        {
            "questions": questions,
            "attempts": attempts.count(),
            "people": attempts.values("user_id").distinct().count(),
            "submitted_people": submitted.values("user_id").distinct().count(),
            "duplicated": attempts.count() - attempts.values("user_id").distinct().count(),
            "people_with_two_attempts": attempts.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count(),
            "incomplete": sum(1 for pk in submitted.values_list("pk", flat=True) if answers.get(pk, 0) != questions),
            "answers": sum(answers.values()),
            "correct": {str(user): correct for user, correct in submitted.values_list("user_id", "correct")},
        }
    )
)
