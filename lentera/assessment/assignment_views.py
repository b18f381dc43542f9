"""Pages of rubrics, assignments, grading and live observation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.assessment import assignment_selectors as selectors
from lentera.assessment import assignment_services as services
from lentera.assessment.forms import AssignmentForm, SubmissionForm
from lentera.assessment.models import Assignment, Rubric
from lentera.assessment.rubric_grid import Grid, check_grid, default_grid, read_grid
from lentera.delivery.models import Enrolment
from lentera.delivery.selectors import session_get_for_user
from lentera.lib.downloads import stored_file_download
from lentera.lib.forms import add_service_errors

AUTHORS = (Role.COORDINATOR, Role.INSTRUCTOR)
PEOPLE = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# Rubrics -----------------------------------------------------------------------------------


@role_required(*AUTHORS)
def rubric_list(request: AccessRequest) -> HttpResponse:
    rubrics = selectors.rubrics_for_user(access=request.access).prefetch_related("criteria", "levels")
    return render(request, "assessment/rubric_list.html", {"rubrics": rubrics})


def _grid_from_rubric(rubric: Rubric) -> Grid:
    levels, rows = selectors.rubric_grid(rubric=rubric)
    return Grid(
        levels=[(level.label, str(level.points)) for level in levels],
        criteria=[(row.criterion.name, [text for _level, text in row.cells]) for row in rows],
    )


def _rubric_page(request: AccessRequest, rubric: Rubric | None) -> HttpResponse:
    locked = rubric is not None and services.rubric_is_locked(rubric)
    title = rubric.title if rubric else ""
    description = rubric.description if rubric else ""
    grid = _grid_from_rubric(rubric) if rubric else default_grid()
    status = 200
    if request.method == "POST" and not locked:
        title = request.POST.get("title", "").strip()
        description = request.POST.get("description", "").strip()
        grid = read_grid(request.POST)
        if request.POST.get("action") == "save":
            checked = check_grid(grid)
            if not title:
                checked.errors.insert(0, _("Give the rubric a title."))
            if not checked.errors:
                levels, criteria = checked.cleaned()
                try:
                    saved = services.rubric_save(
                        actor=request.user,
                        library=request.access.current_library,
                        rubric=rubric,
                        title=title,
                        description=description,
                        levels=levels,
                        criteria=criteria,
                    )
                except ValidationError as error:
                    checked.errors.extend(_errors(error))
                else:
                    messages.success(request, _("The rubric was saved."))
                    return redirect("assessment:rubric_edit", pk=saved.pk)
            grid = Grid(levels=grid.levels, criteria=grid.criteria, errors=checked.errors, bad=checked.bad)
            status = 400
    return render(
        request,
        "assessment/rubric_form.html",
        {"rubric": rubric, "locked": locked, "title_value": title, "description": description, "grid": grid},
        status=status,
    )


@role_required(*AUTHORS)
@require_http_methods(["GET", "POST"])
def rubric_create(request: AccessRequest) -> HttpResponse:
    selectors.rubrics_for_user(access=request.access)
    return _rubric_page(request, None)


@role_required(*AUTHORS)
@require_http_methods(["GET", "POST"])
def rubric_edit(request: AccessRequest, pk: int) -> HttpResponse:
    return _rubric_page(request, selectors.rubric_get_for_user(access=request.access, pk=pk))


@role_required(*AUTHORS)
@require_POST
def rubric_copy(request: AccessRequest, pk: int) -> HttpResponse:
    rubric = selectors.rubric_get_for_user(access=request.access, pk=pk)
    copy = services.rubric_copy(actor=request.user, rubric=rubric)
    messages.success(request, _("A copy was made; change it as you need."))
    return redirect("assessment:rubric_edit", pk=copy.pk)


# Assignments -------------------------------------------------------------------------------


def _assignment_form_page(request: AccessRequest, session: Any, assignment: Assignment | None) -> HttpResponse:
    library = request.access.current_library
    initial: dict[str, Any] = {}
    if assignment is not None:
        initial = {
            name: getattr(assignment, name) for name in AssignmentForm.base_fields if name not in ("rubric", "due_at")
        }
        initial["rubric"] = assignment.rubric_id
        initial["due_at"] = assignment.due_at
    elif session.plan.method == "role_play":
        initial = {"mode": Assignment.Mode.OBSERVATION}
    form = AssignmentForm(request.POST or None, library=library, initial=initial)
    if not request.access.is_coordinator:  # whether it counts for completion is the coordinator's call
        del form.fields["is_required"]
    if request.method == "POST" and form.is_valid():
        data = {"is_required": assignment.is_required if assignment else False, **form.cleaned_data}
        try:
            saved = services.assignment_save(actor=request.user, session=session, assignment=assignment, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect(saved)
    status = 400 if request.method == "POST" else 200
    assignable = session.plan.method in services.ASSIGNABLE_METHODS
    return render(
        request,
        "assessment/assignment_form.html",
        {"form": form, "session": session, "assignment": assignment, "assignable": assignable},
        status=status,
    )


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def assignment_create(request: AccessRequest, session_pk: int) -> HttpResponse:
    session = session_get_for_user(access=request.access, pk=session_pk, teach=True)
    return _assignment_form_page(request, session, None)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def assignment_edit(request: AccessRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(access=request.access, pk=pk, judge=True)
    return _assignment_form_page(request, assignment.session, assignment)


@role_required(*PEOPLE)
def assignment_detail(request: AccessRequest, pk: int) -> HttpResponse:
    """Judges see everyone's work or observations; a participant sees the task, hands in, reads the result."""
    access = request.access
    assignment = selectors.assignment_get_for_user(access=access, pk=pk)
    levels, rows = selectors.rubric_grid(rubric=assignment.rubric)
    context: dict[str, Any] = {"assignment": assignment, "levels": levels, "rows": rows}
    if selectors.may_judge(access=access, assignment=assignment):
        roster = selectors.assignment_roster(assignment=assignment)
        # work waiting for a grade first, then everyone else by name
        roster.sort(key=lambda row: not (row.submission is not None and row.submission.graded_at is None))
        context["roster"] = roster
        context["waiting"] = sum(1 for row in roster if row.submission is not None and row.submission.graded_at is None)
        context["judged"] = sum(1 for row in roster if row.percent is not None)
        context["passed"] = sum(
            1 for row in roster if row.percent is not None and row.percent >= assignment.pass_percent
        )
        return render(request, "assessment/assignment_detail.html", context)
    if assignment.mode == Assignment.Mode.SUBMISSION:
        submission = assignment.submissions.filter(user=access.user).first()
        context["submission"] = submission
        context["scores"] = selectors.scores_of(submission=submission if submission and submission.graded_at else None)
        context["form"] = SubmissionForm(
            assignment=assignment,
            initial={"text": submission.text if submission else "", "link": submission.link if submission else ""},
        )
    else:
        context["observation"] = selectors.observation_result(assignment=assignment, participant=access.user)
    return render(request, "assessment/assignment_mine.html", context)


@role_required(Role.PARTICIPANT)
@require_POST
def submission_submit(request: AccessRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(access=request.access, pk=pk)
    form = SubmissionForm(request.POST, request.FILES, assignment=assignment)
    if form.is_valid():
        try:
            services.submission_save(
                actor=request.user,
                assignment=assignment,
                text=form.cleaned_data.get("text", ""),
                upload=form.cleaned_data.get("file"),
                link=form.cleaned_data.get("link", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your work was handed in."))
            return redirect(assignment)
    levels, rows = selectors.rubric_grid(rubric=assignment.rubric)
    submission = assignment.submissions.filter(user=request.user).first()
    return render(
        request,
        "assessment/assignment_mine.html",
        {
            "assignment": assignment,
            "levels": levels,
            "rows": rows,
            "form": form,
            "submission": submission,
            "scores": {},
        },
        status=400,
    )


@role_required(*PEOPLE)
def submission_file(request: AccessRequest, pk: int) -> HttpResponseBase:
    """A handed-in file, always as a download (never rendered in the site's origin)."""
    submission = selectors.submission_get_for_user(access=request.access, pk=pk)
    if not submission.file:
        raise Http404
    return stored_file_download(
        submission.file,
        filename=submission.original_name or submission.file.name,
        content_type=submission.content_type,
    )


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
@require_http_methods(["GET", "POST"])
def submission_grade(request: AccessRequest, pk: int) -> HttpResponse:
    """Grade criterion by criterion (each saved as it is chosen, with HTMX), then release the grade."""
    submission = selectors.submission_get_for_user(access=request.access, pk=pk, judge=True)
    assignment = submission.assignment
    levels, rows = selectors.rubric_grid(rubric=assignment.rubric)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "release":
                services.submission_release(
                    actor=request.user, submission=submission, comment=request.POST.get("comment", "")
                )
                messages.success(
                    request, _("The grade was released to %(name)s.") % {"name": submission.user.full_name}
                )
                return redirect(assignment)
            services.submission_score(
                actor=request.user,
                submission=submission,
                criterion_id=request.POST.get("criterion"),
                level_id=request.POST.get("level"),
                comment=request.POST.get("criterion_comment", ""),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if request.htmx and request.POST.get("criterion"):
            row = next((r for r in rows if str(r.criterion.pk) == request.POST.get("criterion")), None)
            if row is None:
                raise Http404
            scores = selectors.scores_of(submission=submission)
            return render(
                request,
                "assessment/partials/criterion_response.html",
                {
                    "row": row,
                    "scores": scores,
                    "submission": submission,
                    "error": error,
                    "saved": not error,
                    "action": request.path,
                    "total": selectors.rubric_total(rows=rows, scores=scores),
                },
                status=400 if error else 200,
            )
        if not error:
            return redirect("assessment:submission_grade", pk=submission.pk)
    scores = selectors.scores_of(submission=submission)
    return render(
        request,
        "assessment/submission_grade.html",
        {
            "submission": submission,
            "assignment": assignment,
            "levels": levels,
            "rows": rows,
            "scores": scores,
            "error": error,
            "complete": len(scores) == len(rows),
            "total": selectors.rubric_total(rows=rows, scores=scores),
            "action": request.path,
        },
        status=400 if error else 200,
    )


# Live observation --------------------------------------------------------------------------


@role_required(*PEOPLE)
def observe_list(request: AccessRequest, pk: int) -> HttpResponse:
    """Whom to observe: the cohort's participants, with how many sheets each already has."""
    assignment = selectors.assignment_get_for_user(access=request.access, pk=pk, observe=True)
    if assignment.mode != Assignment.Mode.OBSERVATION:
        raise Http404
    roster = [row for row in selectors.assignment_roster(assignment=assignment) if row.user.pk != request.user.pk]
    mine = {row.user.pk for row in roster for sheet in row.sheets if sheet.observer_id == request.user.pk}
    return render(request, "assessment/observe_list.html", {"assignment": assignment, "roster": roster, "mine": mine})


def _observed_person(assignment: Assignment, user_pk: int) -> User:
    return get_object_or_404(
        User,
        pk=user_pk,
        enrolments__cohort_id=assignment.session.cohort_id,
        enrolments__status=Enrolment.Status.ENROLLED,
    )


@role_required(*PEOPLE)
@require_http_methods(["GET", "POST"])
def observe_sheet(request: AccessRequest, pk: int, user_pk: int) -> HttpResponse:
    """The observer's sheet for one participant: big targets for a phone, each choice saved at once."""
    assignment = selectors.assignment_get_for_user(access=request.access, pk=pk, observe=True)
    if assignment.mode != Assignment.Mode.OBSERVATION:
        raise Http404
    person = _observed_person(assignment, user_pk)
    if person.pk == request.user.pk:
        raise Http404
    levels, rows = selectors.rubric_grid(rubric=assignment.rubric)
    error = ""
    if request.method == "POST":
        try:
            if "comment" in request.POST and not request.POST.get("criterion"):
                services.observation_comment(
                    actor=request.user,
                    assignment=assignment,
                    participant=person,
                    comment=request.POST.get("comment", ""),
                )
            else:
                services.observation_score(
                    actor=request.user,
                    assignment=assignment,
                    participant=person,
                    criterion_id=request.POST.get("criterion"),
                    level_id=request.POST.get("level"),
                    comment=request.POST.get("criterion_comment", ""),
                )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if request.htmx and request.POST.get("criterion"):
            row = next((r for r in rows if str(r.criterion.pk) == request.POST.get("criterion")), None)
            if row is None:
                raise Http404
            _sheet, scores = selectors.my_sheet(assignment=assignment, participant=person, observer=request.user)
            return render(
                request,
                "assessment/partials/criterion_response.html",
                {
                    "row": row,
                    "scores": scores,
                    "error": error,
                    "saved": not error,
                    "action": request.path,
                    "total": selectors.rubric_total(rows=rows, scores=scores),
                },
                status=400 if error else 200,
            )
        if not error:
            if request.POST.get("done"):
                messages.success(request, _("Your sheet for %(name)s was saved.") % {"name": person.full_name})
                return redirect("assessment:observe_list", pk=assignment.pk)
            return redirect("assessment:observe_sheet", pk=assignment.pk, user_pk=person.pk)
    sheet, scores = selectors.my_sheet(assignment=assignment, participant=person, observer=request.user)
    return render(
        request,
        "assessment/observe_sheet.html",
        {
            "assignment": assignment,
            "person": person,
            "levels": levels,
            "rows": rows,
            "scores": scores,
            "sheet": sheet,
            "total": selectors.rubric_total(rows=rows, scores=scores),
            "error": error,
            "action": request.path,
        },
        status=400 if error else 200,
    )


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def observation_detail(request: AccessRequest, pk: int, user_pk: int) -> HttpResponse:
    """Every observer's sheet for one participant, side by side, with the averages."""
    assignment = selectors.assignment_get_for_user(access=request.access, pk=pk, judge=True)
    if assignment.mode != Assignment.Mode.OBSERVATION:
        raise Http404
    person = _observed_person(assignment, user_pk)
    levels, rows = selectors.rubric_grid(rubric=assignment.rubric)
    result = selectors.observation_result(assignment=assignment, participant=person)
    return render(
        request,
        "assessment/observation_detail.html",
        {"assignment": assignment, "person": person, "levels": levels, "rows": rows, "observation": result},
    )


@role_required(Role.PARTICIPANT)
def my_assignments(request: AccessRequest) -> HttpResponse:
    from lentera.assessment.exam_selectors import my_completion

    rows = selectors.assignments_for_participant(access=request.access)
    cohort, completion = my_completion(access=request.access)
    return render(request, "assessment/my_assignments.html", {"rows": rows, "cohort": cohort, "completion": completion})
