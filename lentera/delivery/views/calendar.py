"""Delivery pages: calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.delivery import calendar as cal
from lentera.delivery import selectors, services
from lentera.delivery.models import CalendarFeed, ScheduledSession
from lentera.delivery.views.common import STAFF_ROLES
from lentera.lib.ratelimit import rate_limited

# Calendar ---------------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def calendar_view(request: AccessRequest) -> HttpResponse:
    """Month view (``?bulan=2026-11``) or week view (``?minggu=2026-11-23``, any day of the week)."""
    today = timezone.localdate()
    week_param, month_param = request.GET.get("minggu"), request.GET.get("bulan")
    context: dict[str, Any] = {"today": today}
    try:
        if week_param:
            monday = cal.monday_of(date.fromisoformat(week_param))
            days = cal.week_days(monday)
            context.update(
                mode="week", days=days, previous=monday - timedelta(days=7), following=monday + timedelta(days=7)
            )
            start_day, end_day = days[0], days[-1]
        else:
            year, month = (int(x) for x in month_param.split("-")) if month_param else (today.year, today.month)
            weeks = cal.month_weeks(year, month)
            context.update(
                mode="month",
                weeks=weeks,
                month=date(year, month, 1),
                previous=date(*cal.shift_month(year, month, -1), 1),
                following=date(*cal.shift_month(year, month, 1), 1),
            )
            start_day, end_day = weeks[0][0], weeks[-1][-1]
    except (ValueError, TypeError):
        messages.error(request, _("That date is not valid; here is this month."))
        return redirect("delivery:calendar")
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    end = timezone.make_aware(datetime.combine(end_day + timedelta(days=1), time.min))
    by_day: dict[date, list[ScheduledSession]] = {}
    for session in selectors.calendar_sessions(access=request.access, start=start, end=end):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    context["by_day"] = by_day
    feed = selectors.active_feed(user=request.user)
    context["feed_url"] = request.build_absolute_uri(reverse("delivery:ical_feed", args=[feed.token])) if feed else ""
    return render(request, "delivery/calendar.html", context)


@role_required(*STAFF_ROLES)
@require_POST
def calendar_feed(request: AccessRequest) -> HttpResponse:
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(user=request.user)
        messages.info(request, _("Your calendar address was switched off. Calendars subscribed to it stop updating."))
    else:
        services.calendar_feed_renew(user=request.user)
        messages.success(request, _("Your calendar address is ready. Copy it into your phone's calendar."))
    return redirect("delivery:calendar")


@rate_limited("calendar-feed")  # the token is looked up for anyone: limited per client address
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's sessions as an iCalendar feed; the secret address is the only key (no login)."""
    feed = CalendarFeed.objects.filter(token=token, revoked_at__isnull=True).select_related("user").first()
    if feed is None:
        raise Http404
    now = timezone.now()
    events = [
        cal.Event(
            uid=f"sesi-{s.pk}@lentera",
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            summary=f"{s.plan.title} ({s.cohort.name})",
            location=", ".join(x for x in (s.room, s.library.name) if x),
            description=f"{s.plan.get_method_display()} · {s.jp} JP",
            url=request.build_absolute_uri(reverse("delivery:session_detail", args=[s.pk])),
        )
        for s in selectors.feed_sessions(user=feed.user, now=now)
    ]
    body = cal.ics(name=f"Lentera · {feed.user.full_name}", events=events, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
