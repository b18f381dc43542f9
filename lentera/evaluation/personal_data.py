"""Evaluation's part of a person's personal data (UU PDP): what ``accounts`` exports and erases.

Registered with ``lentera.accounts.personal_data`` from ``EvaluationConfig.ready()``. Anonymous
feedback exists only as counts and sorted comment lists with no link to the person, so it is
neither exported nor erased as theirs; named answers are exported, and on erasure they are deleted
(they were counted in the round's aggregates too, so counts and averages stay). A comment that
names the person loses the name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from lentera.accounts.models import User
from lentera.accounts.personal_data import ErasureContext, register, when
from lentera.evaluation.models import Answer, Comments, ImprovementAction, Invitation, Response
from lentera.evaluation.tallies import sort_entries


def _feedback(user: User) -> dict[str, Any]:
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("survey__cohort", "survey__session__plan")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("item", "instructor").order_by("pk"))
        )
        .order_by("submitted_on")
    )
    invitations = (
        Invitation.objects.filter(Q(user=user) | Q(about=user))
        .select_related("survey__cohort", "survey__session__plan")
        .order_by("survey__opens_at")
    )
    asked, about = [], []
    for invitation in invitations:
        if invitation.user_id == user.pk:
            asked.append({"round": str(invitation.survey), "answered": invitation.answered})
        else:
            about.append(
                {"round": str(invitation.survey), "supervisor_email": invitation.email, "answered": invitation.answered}
            )
    return {
        "about_anonymous_feedback": _(
            "Anonymous feedback is stored without any link to the person who gave it, so it cannot be "
            "found or exported as yours. Lentera keeps only whether you were asked and whether you answered."
        ),
        "rounds_you_were_asked_to_answer": asked,
        "your_named_answers": [
            {
                "round": str(r.survey),
                "day": when(r.submitted_on),
                "answers": [
                    {
                        "item": a.item.text,
                        "about_instructor": str(a.instructor) if a.instructor else "",
                        "rating": a.rating,
                        "not_applicable": a.not_applicable,
                        "choices": a.choices,
                        "text": a.text,
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "your_supervisor_was_asked": about,
    }


def _erase_feedback(user: User, context: ErasureContext) -> None:
    """Named answers go (the aggregates keep them, anonymous); supervisors' addresses and their
    unused links go; a comment or an action owner loses the name."""
    Response.objects.filter(respondent=user).delete()
    Invitation.objects.filter(Q(user=user) | Q(about=user)).exclude(email="", token_hash="").update(
        email="", token_hash=""
    )
    for comments in context.mentioning(Comments, [], json_fields=["entries"]):
        entries = sort_entries([context.scrub(text), review] for text, review in comments.entries)
        Comments.objects.filter(pk=comments.pk).update(entries=entries)
    for action in context.mentioning(ImprovementAction, ["owner", "what"]):
        ImprovementAction.objects.filter(pk=action.pk).update(
            owner=context.scrub(action.owner), what=context.scrub(action.what)
        )


register("feedback", export=_feedback, erase=_erase_feedback, order=140)
