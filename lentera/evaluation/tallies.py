"""The anonymous aggregates of a round: which rows it has, and adding one submission to them.

Why this shape (docs/architecture.md, "Anonymous feedback"): a row per submission keeps the order
of submission in its key, its SQLite rowid or PostgreSQL ctid, and its transaction id (xmin), and
that order paired with sign-in times names the person. So a submission writes no row of its own:

- the round's rows (a counter per item and value, a comment list per text item) are all made
  before anyone answers, in the order of the form;
- the submission's transaction claims the invitation (exactly once), adds one to the round's count
  of responses, then updates EVERY counter of the round (adding 0 where the person chose something
  else) and rewrites every comment list, kept sorted by text. After any submission all of the
  round's rows carry that transaction's id, whatever was chosen.

Named rounds use the same aggregates for their figures (one code path for every report); they
also keep each person's answers apart (``Response``), since those are not anonymous.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.db.models.functions import Cast

from lentera.evaluation.answering import Cleaned
from lentera.evaluation.models import Comments, FeedbackForm, FormItem, Invitation, Survey, Tally

RATING_VALUES = ("1", "2", "3", "4", "5", Tally.NOT_APPLICABLE)

TallyKey = tuple[str, int, int | None, str]  # role, item, instructor, value
CommentKey = tuple[str, int, int | None]  # role, item, instructor


def roles_of(survey: Survey) -> list[str]:
    if survey.kind == Survey.Kind.FOLLOW_UP:
        return [Invitation.Role.PARTICIPANT, Invitation.Role.SUPERVISOR]
    return [Invitation.Role.PARTICIPANT]


def values_of(item: FormItem) -> list[str]:
    """The values an item's counters count: the five ratings and "not applicable", or its options."""
    if item.kind == FormItem.Kind.LIKERT:
        return list(RATING_VALUES)
    if item.kind == FormItem.Kind.SINGLE:
        return [str(option) for option in item.options]
    if item.kind == FormItem.Kind.MULTIPLE:  # and how many answered it (options picked may be more)
        return [str(option) for option in item.options] + [Tally.ANSWERED]
    return []


def round_keys(
    survey: Survey, items: Iterable[FormItem], instructor_ids: Sequence[int]
) -> tuple[list[TallyKey], list[CommentKey]]:
    """Every counter and comment list the round needs, in the order of the form. Pure.

    ``items`` with their form: a supervisor answers the supervisor's form, a participant the rest;
    an item of an instructor form is answered once for each instructor of the session.
    """
    tallies: list[TallyKey] = []
    comments: list[CommentKey] = []
    roles = roles_of(survey)
    for item in items:
        kind = item.form.kind
        role = Invitation.Role.SUPERVISOR if kind == FeedbackForm.Kind.SUPERVISOR else Invitation.Role.PARTICIPANT
        if role not in roles:
            continue
        about: list[int | None] = list(instructor_ids) if kind == FeedbackForm.Kind.INSTRUCTOR else [None]
        for instructor_id in about:
            if item.is_text:
                comments.append((role, item.pk, instructor_id))
            else:
                tallies += [(role, item.pk, instructor_id, value) for value in values_of(item)]
    return tallies, comments


def _round_items(survey: Survey) -> tuple[list[FormItem], list[int]]:
    items = list(
        FormItem.objects.filter(form__in=survey.forms.all())
        .select_related("form")
        .order_by("form__kind", "form_id", "section__order", "order", "id")
    )
    instructor_ids: list[int] = []
    if survey.session_id is not None and any(i.form.kind == FeedbackForm.Kind.INSTRUCTOR for i in items):
        from lentera.delivery.models import SessionInstructor

        instructor_ids = list(
            SessionInstructor.objects.filter(session_id=survey.session_id)
            .order_by("user__full_name", "user_id")
            .values_list("user_id", flat=True)
        )
    return items, instructor_ids


def tallies_ensure(
    *, survey: Survey, lock_comments: bool = False, known: tuple[list[FormItem], list[int]] | None = None
) -> list[Comments]:
    """Make the round's missing rows (all of them when it opens; later only what a changed form or
    a newly assigned instructor adds, whatever anyone answered). Returns the round's comment lists,
    locked for update when ``lock_comments`` (inside the submission's transaction).

    ``known``: the items (with their form) and instructor ids the caller already read, if any.
    """
    return _ensure(survey=survey, lock_comments=lock_comments, known=known)[1]


def _ensure(
    *, survey: Survey, lock_comments: bool, known: tuple[list[FormItem], list[int]] | None
) -> tuple[dict[TallyKey, int | None], list[Comments]]:
    """``tallies_ensure``, also returning the id of every counter of the round by its key (None for
    a row just made whose id the database did not return)."""
    items, instructor_ids = known if known is not None else _round_items(survey)
    tally_keys, comment_keys = round_keys(survey, items, instructor_ids)
    have: dict[TallyKey, int | None] = {
        (role, item, instructor, value): pk
        for pk, role, item, instructor, value in Tally.objects.filter(survey=survey).values_list(
            "pk", "role", "item_id", "instructor_id", "value"
        )
    }
    missing = [key for key in tally_keys if key not in have]
    if missing:
        made = Tally.objects.bulk_create(
            Tally(survey=survey, role=role, item_id=item, instructor_id=instructor, value=value)
            for role, item, instructor, value in missing
        )
        have.update(zip(missing, (row.pk for row in made), strict=True))
    rows = Comments.objects.filter(survey=survey).order_by("pk")
    # all of the round's lists, whatever the caller knows of its items: every one is rewritten
    lists = list(rows.select_for_update() if lock_comments else rows)
    have_lists = {(c.role, c.item_id, c.instructor_id) for c in lists}
    new = [
        Comments(survey=survey, role=role, item_id=item, instructor_id=instructor)
        for role, item, instructor in comment_keys
        if (role, item, instructor) not in have_lists
    ]
    if new:
        Comments.objects.bulk_create(new)
        lists = list(Comments.objects.filter(survey=survey).order_by("pk"))
    return have, lists


def _chosen(answers: Sequence[Cleaned]) -> list[tuple[int, int | None, str]]:
    """(item, instructor, value) of every counter one submission adds one to."""
    chosen = []
    for a in answers:
        instructor = getattr(a.instructor, "pk", a.instructor)
        if a.not_applicable:
            chosen.append((a.item.pk, instructor, Tally.NOT_APPLICABLE))
        elif a.rating is not None:
            chosen.append((a.item.pk, instructor, str(a.rating)))
        elif a.choices:
            chosen += [(a.item.pk, instructor, str(choice)) for choice in a.choices]
            if a.item.kind == FormItem.Kind.MULTIPLE:
                chosen.append((a.item.pk, instructor, Tally.ANSWERED))
    return chosen


def comment_digest(text: str) -> str:
    """How a comment is named in a link: its text's hash (the list has no per-comment key)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sort_entries(entries: Iterable[Sequence[str]]) -> list[list[str]]:
    """Comments sorted by their text (then review): the list's order says nothing of who came first."""
    return sorted(([str(text), str(review)] for text, review in entries), key=lambda e: (e[0], e[1]))


def tallies_add(
    *,
    survey: Survey,
    role: str,
    answers: Sequence[Cleaned],
    known: tuple[list[FormItem], list[int]] | None = None,
) -> None:
    """Add one submission to the round's aggregates. Call inside the transaction that claimed the
    invitation. Every row of the round is written, whatever was chosen.

    ``known``: the items and instructor ids the page already read (saves two queries)."""
    count_field = "supervisor_responses" if role == Invitation.Role.SUPERVISOR else "participant_responses"
    # first: the round's own row, so concurrent submissions to one round queue here, in one order
    Survey.objects.filter(pk=survey.pk).update(**{count_field: F(count_field) + 1})
    setattr(survey, count_field, getattr(survey, count_field) + 1)  # at least this one, for the caller
    ids, lists = _ensure(survey=survey, lock_comments=True, known=known)
    # the chosen counters by id: one short condition however many answers (a chosen value the round
    # has no counter for, as before, adds to nothing)
    chosen_ids: set[int] = set()
    by_key = Q(pk__in=[])  # only for a row just made whose id the database did not return
    for item, instructor, value in _chosen(answers):
        counter = (role, item, instructor, value)
        if counter not in ids:
            continue
        pk = ids[counter]
        if pk is None:
            by_key |= Q(role=role, item_id=item, instructor_id=instructor, value=value)
        else:
            chosen_ids.add(pk)
    chosen = Q(pk__in=sorted(chosen_ids)) | by_key
    # every counter of the round in one statement, +1 where chosen and +0 elsewhere
    Tally.objects.filter(survey=survey).update(
        count=Case(When(chosen, then=F("count") + 1), default=F("count"), output_field=PositiveIntegerField())
    )
    texts: dict[CommentKey, list[str]] = {}
    for a in answers:
        if a.text:
            key = (role, a.item.pk, getattr(a.instructor, "pk", a.instructor))
            texts.setdefault(key, []).append(a.text)
    changed = []
    for row in lists:
        added = texts.get((row.role, row.item_id, row.instructor_id), [])
        entries = sort_entries([*row.entries, *([text, Comments.Review.PENDING] for text in added)])
        if entries != row.entries:
            row.entries = entries
            changed.append(row)
    if lists:
        # every list of the round in one statement: the new list where comments were added, the
        # same list elsewhere (rewritten all the same, like the counters that add 0)
        field = Comments._meta.get_field("entries")
        rewritten: Any = F("entries")
        if changed:
            rewritten = Case(
                *(When(pk=row.pk, then=Value(row.entries, output_field=field)) for row in changed),
                default=F("entries"),
                output_field=field,
            )
            if connection.features.requires_casted_case_in_updates:
                rewritten = Cast(rewritten, output_field=field)
        Comments.objects.filter(survey=survey).update(entries=rewritten)
