"""Count the attendance rows of a session (and duplicates, which the unique constraint forbids)."""

import json
import sys

import django_env  # noqa: F401 - sets up Django
from django.db.models import Count

from lentera.delivery.models import Attendance

session = int(sys.argv[1])
rows = Attendance.objects.filter(session_id=session)
duplicates = rows.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({"rows": rows.count(), "people": rows.values("user_id").distinct().count(), "duplicates": duplicates}))
