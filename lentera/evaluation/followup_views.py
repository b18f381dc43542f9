"""Pages of the follow-up round (Kirkpatrick level 3): the coordinator's page per cohort, and the
public page where a supervisor answers through their one-time link, without an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.delivery.selectors import cohort_get_for_user
from lentera.evaluation import followup, selectors, services
from lentera.evaluation.answering import field_name, read_answers
from lentera.evaluation.models import FeedbackForm, FormItem, Invitation, Survey
from lentera.evaluation.views import LIKERT
from lentera.lib.forms import StyledFormMixin, add_service_errors
from lentera.lib.ratelimit import rate_limited
from lentera.lib.urls import site_url


class SupervisorForm(StyledFormMixin, forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=gettext_lazy("supervisor's email"), max_length=254)


# The coordinator --------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def follow_up(request: AccessRequest, pk: int) -> HttpResponse:
    """The cohort's follow-up: open it (also before it is due), ask each participant's supervisor,
    see how many have answered (participants only as a count)."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    if request.method == "POST":
        try:
            followup.follow_up_open(actor=request.user, cohort=cohort, early=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The follow-up round is open and the participants are invited."))
        return redirect("evaluation:follow_up", pk=cohort.pk)
    now = timezone.now()
    survey = followup.follow_up_of(cohort)
    return render(
        request,
        "evaluation/followup/cohort.html",
        {
            "cohort": cohort,
            "survey": survey,
            "status": followup.follow_up_status(survey=survey) if survey is not None else None,
            "due_on": followup.follow_up_due_on(cohort),
            "has_ended": followup.cohort_has_ended(cohort, now),
            "window_days": followup.FOLLOW_UP_WINDOW_DAYS,
            "now": now,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def supervisor_invite(request: AccessRequest, pk: int) -> HttpResponse:
    """Send (or send again, with a new link) the supervisor's invitation for one participant."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    survey = followup.follow_up_of(cohort)
    form = SupervisorForm(request.POST)
    participant = None
    if survey is None:
        form.add_error(None, _("Open the follow-up round first."))
    elif str(request.POST.get("participant", "")).isdigit():
        link = (
            Invitation.objects.filter(
                survey=survey, role=Invitation.Role.PARTICIPANT, user_id=request.POST["participant"]
            )
            .select_related("user")
            .first()
        )
        participant = link.user if link is not None else None
    if survey is not None and participant is None:
        form.add_error(None, _("This person is not a participant of the cohort."))
    elif survey is not None and form.is_valid():
        try:
            followup.supervisor_invite(
                actor=request.user,
                survey=survey,
                participant=participant,
                email=form.cleaned_data["email"],
                base_url=site_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    sent = form.is_bound and not form.errors
    problems = [str(m) for ms in form.errors.values() for m in ms]
    if request.htmx and survey is not None and participant is not None:
        return render(
            request,
            "evaluation/followup/cohort.html#row",
            {
                "row": followup.follow_up_row(survey=survey, participant=participant),
                "survey": survey,
                "cohort": cohort,
                "now": timezone.now(),
                "errors": problems,
                "sent": sent,
                "typed": request.POST.get("email", ""),
            },
            status=200 if sent else 400,
        )
    if sent:
        messages.success(request, _("The link was emailed to the supervisor."))
    else:
        messages.error(request, " ".join(problems))
    return redirect("evaluation:follow_up", pk=cohort.pk)


# The supervisor (public, by the link's token) ---------------------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    """The token is in the address: no search engine, no cache, and no Referer to anywhere."""
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _supervisor_items(survey: Survey) -> list[FormItem]:
    general, _per_instructor = selectors.survey_items(survey=survey)
    return [item for item in general if item.form.kind == FeedbackForm.Kind.SUPERVISOR]


def _supervisor_page(
    request: HttpRequest, invitation: Invitation, items: list[FormItem], data: Any, problems: dict[str, str]
) -> HttpResponse:
    fields = [
        {
            "item": item,
            "name": field_name(item),
            "values": data.getlist(field_name(item)) if data is not None else [],
            "problem": problems.get(field_name(item), ""),
        }
        for item in items
    ]
    return render(
        request,
        "evaluation/followup/supervisor_answer.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "about": invitation.about,
            "form": items[0].form if items else None,
            "fields": fields,
            "likert": LIKERT,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@never_cache
@rate_limited("supervisor-link")  # the token is looked up for anyone: limited per client address
@require_http_methods(["GET", "POST"])
def supervisor_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The supervisor's form about one participant. The link works once: a second tap or a later
    visit shows the thank-you page; an unknown or replaced link 404, a closed round 410."""
    invitation = followup.supervisor_invitation_for_token(token)
    if invitation is None:
        return _public(render(request, "evaluation/followup/link_invalid.html", status=404))
    survey = invitation.survey
    if invitation.answered:
        if request.method == "POST":  # a double tap: the first one counted
            return redirect(f"{request.path}?terkirim=1")
        status = 200 if request.GET.get("terkirim") else 410
        return _public(
            render(
                request,
                "evaluation/followup/supervisor_thanks.html",
                {"survey": survey, "about_id": invitation.about_id},
                status=status,
            )
        )
    now = timezone.now()
    if not (survey.opens_at <= now < survey.closes_at):
        return _public(render(request, "evaluation/followup/link_closed.html", {"survey": survey}, status=410))
    items = _supervisor_items(survey)
    if request.method == "POST":
        cleaned, problems = read_answers(request.POST, items=items, instructor_items=[], instructors=[])
        if not problems:
            try:
                services.response_submit(survey=survey, answers=cleaned, token=token, now=now)
            except services.AlreadyAnswered:
                pass
            except ValidationError as error:
                problems = {"": " ".join(error.messages)}
            if not problems:
                return redirect(f"{request.path}?terkirim=1")
        return _public(_supervisor_page(request, invitation, items, request.POST, problems))
    return _public(_supervisor_page(request, invitation, items, None, {}))
