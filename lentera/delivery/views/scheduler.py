"""Delivery pages: a whole programme scheduled at once (draft, clashes, move, save)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Library, Role, User
from lentera.curriculum.models import SessionPlan
from lentera.delivery import scheduler, selectors, services
from lentera.delivery.forms import DraftRowFormSet, ProgrammeScheduleForm
from lentera.delivery.models import Cohort

ACTIONS = ("draft", "check", "save")


def _span(items: list[scheduler.Item]) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    spans = [item.span(tz) for item in items]
    return min(s for s, _e in spans), max(e for _s, e in spans)


def _busy(library: Library, items: list[scheduler.Item]) -> list[scheduler.Busy]:
    if not items:
        return []
    start, end = _span(items)
    return selectors.busy_sessions(library=library, start=start, end=end)


def _rows_to_items(rows: Any, plans: dict[int, scheduler.Plan]) -> list[scheduler.Item] | None:
    """The draft as the coordinator left it, or None when a row does not read (errors on the rows)."""
    if not rows.is_valid():
        return None
    items: list[scheduler.Item] = []
    for number, form in enumerate(rows.forms, start=1):
        plan = plans.get(form.cleaned_data["plan"])
        if plan is None:
            form.add_error(
                None,
                _("Row %(number)d: this session is already scheduled or no longer in the programme.")
                % {"number": number},
            )
            return None
        data = form.cleaned_data
        items.append(scheduler.Item(plan=plan, day=data["day"], start=data["start"], room=data["room"].strip()))
    return items


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def programme_schedule(request: AccessRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    plans = selectors.plans_to_schedule(cohort=cohort)
    modules = list({plan.module_id: plan.module for plan in plans}.values())
    instructors = selectors.registered_instructors(library=request.access.current_library)
    initial = {
        "first_day": cohort.starts_on,
        "weekdays": [0, 1, 2, 3, 4],
        "start_times": "08:00, 13:00",
        "rooms": cohort.venue,
    }
    posted = request.POST if request.method == "POST" else None
    setup = ProgrammeScheduleForm(posted, modules=modules, instructors=instructors, initial=initial)
    action = request.POST.get("action", "draft")
    if action not in ACTIONS:
        action = "draft"
    context: dict[str, Any] = {"cohort": cohort, "plans": plans, "setup": setup, "rows": None, "pairs": []}
    if posted is not None and plans and setup.is_valid():
        data = setup.cleaned_data
        slots = scheduler.Slots(
            weekdays=frozenset(data["weekdays"]),
            starts=tuple(data["start_times"]),
            rooms=tuple(data["rooms"]),
            first_day=data["first_day"],
            days_off=frozenset(data["days_off"]),
        )
        teachers = setup.module_instructors()
        by_key = {plan.pk: _plan(plan, teachers[plan.module_id]) for plan in plans}
        tz = timezone.get_current_timezone()
        items: list[scheduler.Item] | None
        if action == "draft":
            ordered = [by_key[plan.pk] for plan in plans]
            items = scheduler.lay_out(ordered, slots, busy=[], tz=tz)
            # the rooms depend on what else is booked then: look at that span, then lay out again
            busy = _busy(request.access.current_library, items)
            items = scheduler.lay_out(ordered, slots, busy=busy, tz=tz)  # the same span: same days and times
            rows = DraftRowFormSet(
                prefix="row",
                initial=[{"plan": i.plan.key, "day": i.day, "start": i.start, "room": i.room} for i in items],
            )
        else:
            rows = DraftRowFormSet(posted, prefix="row")
            items = _rows_to_items(rows, by_key)
            busy = _busy(request.access.current_library, items or [])
        context["rows"] = rows
        context["pairs"] = [(form, None) for form in rows.forms]
        if items is not None:
            checked = scheduler.check(
                items,
                busy=busy,
                slots=slots,
                cohort_days=(cohort.starts_on, cohort.ends_on),
                names={user.pk: user.full_name for user in instructors},
                tz=tz,
            )
            context["pairs"] = list(zip(rows.forms, checked, strict=True))
            context["checked_ok"] = True
            context["blocking"] = sum(1 for row in checked if row.blocks)
            if action == "save":
                if context["blocking"]:
                    context["save_error"] = _("Move the sessions marked in red before saving.")
                else:
                    saved = _save(request, cohort, checked, plans, teachers, context)
                    if saved:
                        return redirect(cohort)
    if request.htmx and action == "check" and context["rows"] is not None:
        return render(request, "delivery/programme_schedule.html#draft", context)
    return render(request, "delivery/programme_schedule.html", context)


def _plan(plan: SessionPlan, teachers: list[User]) -> scheduler.Plan:
    return scheduler.Plan(
        key=plan.pk, title=plan.title, minutes=plan.planned_minutes, instructors=tuple(u.pk for u in teachers)
    )


def _save(
    request: AccessRequest,
    cohort: Cohort,
    checked: list[scheduler.Checked],
    plans: list[SessionPlan],
    teachers: dict[int, list[User]],
    context: dict[str, Any],
) -> bool:
    by_pk = {plan.pk: plan for plan in plans}
    rows = [
        services.DraftSession(
            plan=by_pk[row.item.plan.key],
            starts_at=row.starts_at,
            room=row.item.room,
            instructors=teachers[by_pk[row.item.plan.key].module_id],
        )
        for row in checked
    ]
    try:
        services.programme_schedule(actor=request.user, cohort=cohort, rows=rows)
    except ValidationError as error:
        context["save_error"] = " ".join(error.messages)
        return False
    count = len(rows)
    messages.success(
        request,
        ngettext("%(count)d session was scheduled.", "%(count)d sessions were scheduled.", count) % {"count": count},
    )
    return True
