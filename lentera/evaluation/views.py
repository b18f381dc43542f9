"""Pages of the evaluation: forms, rounds per cohort, answering, results, comments, scorecards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role, User
from lentera.delivery.selectors import cohort_get_for_user
from lentera.evaluation import selectors, services
from lentera.evaluation.answering import field_name, read_answers
from lentera.evaluation.forms import ImprovementActionForm, PhillipsForm
from lentera.evaluation.likert import SCALE
from lentera.evaluation.models import Dimension, FeedbackForm, FormItem, ImprovementAction, Survey
from lentera.evaluation.report import cohort_report as cohort_report_of
from lentera.lib.tenancy import scoped

# lazy: built at import, shown in the language of each request
LIKERT = [
    (1, gettext_lazy("Strongly disagree")),
    (2, gettext_lazy("Disagree")),
    (3, gettext_lazy("Neutral")),
    (4, gettext_lazy("Agree")),
    (5, gettext_lazy("Strongly agree")),
]


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def form_list(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    if request.method == "POST":
        made = services.ready_forms_install(actor=request.user, library=library)
        messages.success(request, _("%(n)s ready-made forms were added.") % {"n": len(made)})
        return redirect("evaluation:form_list")
    forms = selectors.forms_for_user(access=request.access).prefetch_related("items")
    return render(request, "evaluation/form_list.html", {"forms": forms})


@role_required(Role.COORDINATOR)
def form_detail(request: AccessRequest, pk: int) -> HttpResponse:
    form = selectors.form_get_for_user(access=request.access, pk=pk)
    items = form.items.select_related("section")
    return render(request, "evaluation/form_detail.html", {"form": form, "items": items, "likert": LIKERT})


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_feedback(request: AccessRequest, pk: int) -> HttpResponse:
    """The cohort's feedback rounds (opened as sessions end), their response rates, and anonymity."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    if request.method == "POST":
        try:
            services.cohort_anonymity_set(
                actor=request.user, cohort=cohort, is_anonymous=request.POST.get("anonymous") == "1"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("evaluation:cohort_feedback", pk=cohort.pk)
    services.surveys_ensure(cohort=cohort)
    return render(
        request,
        "evaluation/cohort_feedback.html",
        {
            "cohort": cohort,
            "surveys": (surveys := selectors.cohort_surveys(cohort=cohort)),
            "answered": any(getattr(survey, "n_responses", 0) for survey in surveys),
            "feedback": services.cohort_feedback_for(cohort),
            "actions": list(
                ImprovementAction.objects.filter(library=cohort.library, programme__title=cohort.programme.title)
                .exclude(status=ImprovementAction.Status.DONE)
                .select_related("cohort")
                .order_by("due_on")
            ),
            "has_forms": scoped(FeedbackForm, cohort.library).exists(),
            "now": timezone.now(),
        },
    )


def _answer_page(
    request: AccessRequest,
    survey: Survey,
    items: tuple[list[FormItem], list[FormItem], list[Any]],
    data: Any,
    problems: dict[str, str],
    status: int,
) -> HttpResponse:
    general, per_instructor, instructors = items

    def fields(items: list[Any], person: Any) -> list[dict[str, Any]]:
        listed = []
        for item in items:
            name = field_name(item, person)
            listed.append(
                {
                    "item": item,
                    "name": name,
                    "values": data.getlist(name) if data is not None else [],
                    "problem": problems.get(name, ""),
                }
            )
        return listed

    return render(
        request,
        "evaluation/answer.html",
        {
            "survey": survey,
            "general": fields(general, None),
            "blocks": [(person, fields(per_instructor, person)) for person in instructors],
            "likert": LIKERT,
            "problems": problems,
        },
        status=status,
    )


def _participant_items(survey: Survey) -> tuple[list[FormItem], list[FormItem]]:
    """What a participant answers: everything but the supervisor's form of a follow-up."""
    general, per_instructor = selectors.survey_items(survey=survey)
    return [i for i in general if i.form.kind != FeedbackForm.Kind.SUPERVISOR], per_instructor


@role_required(Role.PARTICIPANT)
@require_http_methods(["GET", "POST"])
def answer(request: AccessRequest, pk: int) -> HttpResponse:
    """A participant answers a round on a phone; answered once, whatever the taps and retries."""
    survey, invitation = selectors.survey_to_answer(access=request.access, pk=pk)
    now = timezone.now()
    if invitation.answered:  # a second tap or a retry lands on the same thank-you page
        if request.method == "POST":
            return redirect("evaluation:answer", pk=survey.pk)
        return render(request, "evaluation/thanks.html", {"survey": survey})
    if not (survey.opens_at <= now < survey.closes_at):
        return render(request, "evaluation/closed.html", {"survey": survey}, status=410)
    items = (*_participant_items(survey), selectors.survey_instructors(survey=survey))  # once, GET or POST
    if request.method == "POST":
        general, per_instructor, instructors = items
        cleaned, problems = read_answers(
            request.POST, items=general, instructor_items=per_instructor, instructors=instructors
        )
        if not problems:
            try:
                services.response_submit(
                    survey=survey,
                    answers=cleaned,
                    user=request.user,
                    invitation=invitation,
                    now=now,
                    items=[*general, *per_instructor],
                    instructors=instructors,
                )
            except services.AlreadyAnswered:
                pass  # a double tap or a retry: the first one counted
            except ValidationError as error:
                problems = {"": " ".join(error.messages)}
            else:
                messages.success(request, _("Thank you: your answers were recorded."))
            if not problems:
                return redirect("evaluation:answer", pk=survey.pk)
        return _answer_page(request, survey, items, request.POST, problems, 400)
    return _answer_page(request, survey, items, None, {}, 200)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def survey_results(request: AccessRequest, pk: int) -> HttpResponse:
    access = request.access
    survey = selectors.survey_get_for_user(access=access, pk=pk)
    results = selectors.survey_results(
        survey=survey,
        floor=access.current_library.anonymity_floor,
        instructor=request.user,
        coordinator=access.is_coordinator,
    )
    return render(
        request,
        "evaluation/results.html",
        {
            "results": results,
            "survey": survey,
            "scale": SCALE,
            "likert": dict(LIKERT),
            "coordinator": access.is_coordinator,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def comment_review(request: AccessRequest, pk: int, digest: str) -> HttpResponse:
    comments = selectors.comments_get_for_user(access=request.access, pk=pk)
    entry = services.comment_review(
        actor=request.user, comments=comments, digest=digest, show=request.POST.get("show") == "1"
    )
    if entry is None:
        raise Http404
    if request.htmx:
        comment = selectors.Comment(comments.pk, digest, entry[0], entry[1], times=entry[2])
        return render(request, "evaluation/results.html#comment", {"comment": comment, "coordinator": True})
    return redirect("evaluation:survey_results", pk=comments.survey_id)


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def scorecard(request: AccessRequest, pk: int) -> HttpResponse:
    """An instructor's ratings over time: their own only; the coordinator sees everyone's."""
    access = request.access
    person = get_object_or_404(User, pk=pk, memberships__library=access.library, memberships__role=Role.INSTRUCTOR)
    if not access.is_coordinator and person.pk != request.user.pk:
        raise PermissionDenied
    points = selectors.instructor_scorecard(
        library=access.current_library, instructor=person, floor=access.current_library.anonymity_floor
    )
    return render(request, "evaluation/scorecard.html", {"person": person, "points": points})


@role_required(Role.INSTRUCTOR)
def my_scorecard(request: AccessRequest) -> HttpResponse:
    return redirect("evaluation:scorecard", pk=request.user.pk)


def _report_charts(report: Any) -> dict[str, Any]:
    """The report's charts as plain data for Chart.js (and the same figures feed the PDF)."""
    reaction = report.reaction
    dims = list(reaction.dimensions.items())
    charts: dict[str, Any] = {
        "chart-l1": {
            "type": "bar",
            "labels": [str(dict(Dimension.choices).get(d, d)) for d, _s in dims],
            "datasets": [{"label": _("Top-2-box (%)"), "data": [round(s.top2 or 0, 1) for _d, s in dims]}],
            "max": 100,
        }
    }
    gains = report.learning.competencies
    if gains:
        charts["chart-l2"] = {
            "type": "bar",
            "labels": [Truncator(g.competency.title).chars(40) for g in gains],
            "datasets": [
                {"label": _("Pre-test (%)"), "data": [round(g.pre_mean or 0, 1) for g in gains]},
                {"label": _("Post-test (%)"), "data": [round(g.post_mean or 0, 1) for g in gains]},
            ],
            "max": 100,
        }
    results = report.results
    if any(any(v is not None for v in monthly) for _n, _l, _f, monthly in results.indicators):
        charts["chart-l4"] = {
            "type": "line",
            "labels": [date_format(m, "M Y") for m in results.months],
            "datasets": [
                {"label": str(label), "data": monthly}
                for name, label, _figures, monthly in results.indicators
                if name in ("visits", "loans")
            ],
        }
    return charts


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def cohort_report(request: AccessRequest, pk: int) -> HttpResponse:
    """The Kirkpatrick report of a cohort on one page: L1–L4, ROI and the improvement actions."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    if request.method == "POST":
        form = PhillipsForm(request.POST)
        if form.is_valid():
            services.phillips_save(actor=request.user, cohort=cohort, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("evaluation:cohort_report", pk=cohort.pk)
    report = cohort_report_of(cohort=cohort)
    feedback = report.feedback
    return render(
        request,
        "evaluation/report.html",
        {
            "report": report,
            "cohort": cohort,
            "charts": _report_charts(report),
            "phillips": PhillipsForm(
                request.POST or None,
                initial={"costs": feedback.costs, "benefits": feedback.benefits, "note": feedback.benefits_note},
            ),
            "action_form": ImprovementActionForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR)
def cohort_report_pdf(request: AccessRequest, pk: int) -> HttpResponse:
    from lentera.evaluation.report_pdf import report_pdf
    from lentera.lib.downloads import download

    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    report = cohort_report_of(cohort=cohort)
    return download(report_pdf(report), filename=f"laporan-evaluasi-{cohort.pk}.pdf", content_type="application/pdf")


@role_required(Role.COORDINATOR)
def cohort_responses_xlsx(request: AccessRequest, pk: int) -> HttpResponse:
    from lentera.evaluation.exports import responses_workbook
    from lentera.lib.downloads import download

    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    return download(
        responses_workbook(cohort=cohort),
        filename=f"umpan-balik-{cohort.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@role_required(Role.COORDINATOR)
@require_POST
def action_create(request: AccessRequest, pk: int) -> HttpResponse:
    """An improvement action from a weak result of the cohort's report."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    form = ImprovementActionForm(request.POST)
    item_id = request.POST.get("item", "")
    item = FormItem.objects.filter(pk=int(item_id), form__library=cohort.library).first() if item_id.isdigit() else None
    if form.is_valid():
        baseline = request.POST.get("baseline")
        if not baseline and item is not None:  # the item's figure now, to see later whether it improved
            line = next((li for li in cohort_report_of(cohort=cohort).reaction.items if li.item.pk == item.pk), None)
            baseline = str(line.stats.top2) if line and line.stats.top2 is not None else ""
        try:
            services.improvement_action_save(
                actor=request.user,
                cohort=cohort,
                item=item,
                baseline_top2=float(baseline) if baseline else None,
                **form.cleaned_data,
            )
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The improvement action was added."))
    else:
        messages.error(request, _("Say what will change, who does it and by when."))
    return redirect(reverse("evaluation:cohort_report", args=[cohort.pk]) + "#actions")


@role_required(Role.COORDINATOR)
@require_POST
def action_status(request: AccessRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ImprovementAction, pk=pk, library=request.access.library)
    status = request.POST.get("status", "")
    if status in ImprovementAction.Status.values:
        services.improvement_action_save(
            actor=request.user,
            cohort=action.cohort,
            action=action,
            what=action.what,
            owner=action.owner,
            due_on=action.due_on,
            status=status,
        )
    return redirect(request.POST.get("next") or reverse("evaluation:cohort_report", args=[action.cohort_id]))


@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def session_projector(request: AccessRequest, pk: int) -> HttpResponse:
    """After a session, the projector shows a QR to its feedback form and how many have answered."""
    import segno

    from lentera.delivery.selectors import session_get_for_user

    session = session_get_for_user(access=request.access, pk=pk, teach=True)
    if session.ends_at > timezone.now():
        return render(request, "evaluation/projector.html", {"session": session, "survey": None, "now": timezone.now()})
    services.surveys_ensure(cohort=session.cohort)
    survey = Survey.objects.filter(session=session, kind=Survey.Kind.SESSION).first()
    context: dict[str, Any] = {"session": session, "survey": survey, "now": timezone.now()}
    if survey is not None:
        url = request.build_absolute_uri(reverse("evaluation:answer", args=[survey.pk]))
        context |= {
            "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=8, dark="#1d1d1b", light="#ffffff", omitsize=True),
            "responses": survey.responses_count,
            "invited": survey.invitations.count(),
        }
    template = "evaluation/projector.html#count" if request.htmx else "evaluation/projector.html"
    return render(request, template, context)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def feedback_settings(request: AccessRequest) -> HttpResponse:
    """How long forms stay open, when follow-ups go out, when to remind, what counts as weak."""
    from lentera.evaluation.forms import FeedbackSettingsForm

    library = request.access.current_library
    current = services.settings_for(library)
    form = FeedbackSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.feedback_settings_save(actor=request.user, library=library, values=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("evaluation:feedback_settings")
    return render(
        request,
        "evaluation/settings.html",
        {"form": form, "floor": library.anonymity_floor},
        status=400 if request.method == "POST" else 200,
    )
