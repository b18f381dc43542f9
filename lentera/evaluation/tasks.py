"""Background work of the evaluation (lentera/lib/jobs.py; `manage.py lentera_worker` runs it):
the emails of the follow-up round and the reminders before a round closes.

Each task looks again before sending: nothing goes to someone who has answered meanwhile, nor for
a round that has closed, nor with a link that has been replaced by a newer one. So each is run
again after a crashed worker (at worst an email comes twice).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lentera.lib.jobs import job

DEMO_SITE = "http://127.0.0.1:8000"  # the address `make demo` serves; SITE_URL overrides it


def site_url(base_url: str = "") -> str:
    return (base_url or getattr(settings, "SITE_URL", "") or DEMO_SITE).rstrip("/")


def _invitation(invitation_id: int) -> Any:
    from lentera.evaluation.models import Invitation

    invitation = (
        Invitation.objects.select_related("survey__cohort__programme", "survey__session__plan", "survey__library")
        .select_related("user", "about")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.answered or timezone.now() >= invitation.survey.closes_at:
        return None
    return invitation


def _send(template: str, context: dict[str, Any], address: str, language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string(f"evaluation/emails/{template}_subject.txt", context).splitlines())
        body = render_to_string(f"evaluation/emails/{template}.txt", context)
    send_mail(subject, body, None, [address])


def _supervisor_link(invitation: Any, token: str, base_url: str) -> str | None:
    from lentera.evaluation.services import token_hash

    if not token or invitation.token_hash != token_hash(token):
        return None  # a newer link was sent since: this one no longer works
    return site_url(base_url) + reverse("evaluation:supervisor_answer", args=[token])


@job(retry=True)
def send_supervisor_invitation(invitation_id: int, token: str, base_url: str = "") -> None:
    """The supervisor's one-time link to answer about their staff member."""
    invitation = _invitation(invitation_id)
    if invitation is None or invitation.user_id is not None or not invitation.email:
        return
    link = _supervisor_link(invitation, token, base_url)
    if link is None:
        return
    survey = invitation.survey
    context = {"survey": survey, "cohort": survey.cohort, "library": survey.library, "about": invitation.about}
    _send("supervisor_invitation", context | {"link": link}, invitation.email, settings.LANGUAGE_CODE)


@job(retry=True)
def send_follow_up_notice(invitation_id: int, base_url: str = "") -> None:
    """The participant's invitation to the follow-up round."""
    invitation = _invitation(invitation_id)
    if invitation is None or invitation.user is None or not invitation.user.email:
        return
    survey = invitation.survey
    link = site_url(base_url) + reverse("evaluation:answer", args=[survey.pk])
    context = {"survey": survey, "cohort": survey.cohort, "library": survey.library, "user": invitation.user}
    _send("follow_up_notice", context | {"link": link}, invitation.user.email, invitation.user.language)


@job(retry=True)
def send_feedback_reminder(invitation_id: int, token: str = "", base_url: str = "") -> None:
    """One reminder before a round closes, to someone who has not answered (a supervisor gets a new link)."""
    invitation = _invitation(invitation_id)
    if invitation is None:
        return
    survey = invitation.survey
    context = {"survey": survey, "cohort": survey.cohort, "library": survey.library, "about": invitation.about}
    if invitation.user is None:
        link = _supervisor_link(invitation, token, base_url)
        if link is None or not invitation.email:
            return
        _send("reminder", context | {"link": link, "supervisor": True}, invitation.email, settings.LANGUAGE_CODE)
        return
    if not invitation.user.email:
        return
    link = site_url(base_url) + reverse("evaluation:answer", args=[survey.pk])
    context |= {"link": link, "user": invitation.user, "supervisor": False}
    _send("reminder", context, invitation.user.email, invitation.user.language)
