"""Every round's answers given so far become its aggregates; per-person rows of anonymous rounds go.

Rows are made round by round in the order of the form (as ``tallies.round_keys`` does), never in
the order the answers came in; then the per-response rows of anonymous rounds (and named ones
whose person was erased) are deleted. With SQLite's secure_delete (settings.py) their bytes are
overwritten. Going back makes no per-person rows again: the link it removes must not come back.
"""

from collections import Counter, defaultdict

from django.db import migrations

RATINGS = ["1", "2", "3", "4", "5", "na"]


def _keys(survey, items, instructors):
    roles = ["participant", "supervisor"] if survey.kind == "follow_up" else ["participant"]
    tallies, comments = [], []
    for item in items:
        kind = item.form.kind
        role = "supervisor" if kind == "supervisor" else "participant"
        if role not in roles:
            continue
        about = list(instructors) if kind == "instructor" else [None]
        for instructor in about:
            if item.kind in ("short_text", "long_text"):
                comments.append((role, item.pk, instructor))
            elif item.kind == "likert":
                tallies += [(role, item.pk, instructor, v) for v in RATINGS]
            elif item.kind == "single":
                tallies += [(role, item.pk, instructor, str(o)) for o in item.options]
            elif item.kind == "multiple":
                tallies += [(role, item.pk, instructor, str(o)) for o in item.options] + [
                    (role, item.pk, instructor, "")
                ]
    return tallies, comments


def forwards(apps, schema_editor):
    Survey = apps.get_model("evaluation", "Survey")
    FormItem = apps.get_model("evaluation", "FormItem")
    Response = apps.get_model("evaluation", "Response")
    Answer = apps.get_model("evaluation", "Answer")
    Tally = apps.get_model("evaluation", "Tally")
    Comments = apps.get_model("evaluation", "Comments")
    SessionInstructor = apps.get_model("delivery", "SessionInstructor")
    for survey in Survey.objects.order_by("pk"):
        items = list(
            FormItem.objects.filter(form__in=survey.forms.all())
            .select_related("form")
            .order_by("form__kind", "form_id", "section__order", "order", "id")
        )
        instructors = []
        if survey.session_id is not None:
            instructors = list(
                SessionInstructor.objects.filter(session_id=survey.session_id)
                .order_by("user__full_name", "user_id")
                .values_list("user_id", flat=True)
            )
        tally_keys, comment_keys = _keys(survey, items, instructors)
        counts, texts = Counter(), defaultdict(list)
        answers = Answer.objects.filter(response__survey=survey).values_list(
            "response__role",
            "item_id",
            "item__kind",
            "instructor_id",
            "rating",
            "not_applicable",
            "choices",
            "text",
            "review",
        )
        for role, item, kind, instructor, rating, na, choices, text, review in answers.iterator():
            if na:
                counts[(role, item, instructor, "na")] += 1
            elif rating is not None:
                counts[(role, item, instructor, str(rating))] += 1
            elif choices:
                for choice in choices:
                    counts[(role, item, instructor, str(choice))] += 1
                if kind == "multiple":
                    counts[(role, item, instructor, "")] += 1
            elif text:
                texts[(role, item, instructor)].append([text, review])
        # answers about an instructor no longer on the session, or an option since renamed: kept
        known = set(tally_keys)
        tally_keys += sorted((k for k in counts if k not in known), key=lambda k: (k[0], k[1], k[2] or 0, k[3]))
        known_lists = set(comment_keys)
        comment_keys += sorted((k for k in texts if k not in known_lists), key=lambda k: (k[0], k[1], k[2] or 0))
        Tally.objects.bulk_create(
            Tally(survey_id=survey.pk, role=r, item_id=i, instructor_id=u, value=v, count=counts.get((r, i, u, v), 0))
            for r, i, u, v in tally_keys
        )
        Comments.objects.bulk_create(
            Comments(
                survey_id=survey.pk,
                role=r,
                item_id=i,
                instructor_id=u,
                entries=sorted(texts.get((r, i, u), []), key=lambda e: (e[0], e[1])),
            )
            for r, i, u in comment_keys
        )
        by_role = Counter(Response.objects.filter(survey=survey).values_list("role", flat=True))
        Survey.objects.filter(pk=survey.pk).update(
            participant_responses=by_role.get("participant", 0), supervisor_responses=by_role.get("supervisor", 0)
        )
        responses = Response.objects.filter(survey=survey)
        if survey.is_anonymous:
            Answer.objects.filter(response__in=responses).delete()
            responses.delete()
        else:
            Answer.objects.filter(response__in=responses.filter(respondent__isnull=True)).delete()
            responses.filter(respondent__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_aggregates"),
        ("delivery", "0007_import_in_background"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
