"""Writes for delivery: calendar feed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from lentera.accounts.models import User

# Calendar feed --------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user: User) -> Any:
    """A new secret calendar address; the old one stops working at once."""
    from lentera.delivery.models import CalendarFeed

    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Stop the person's calendar address; returns how many were active (0 or 1)."""
    from lentera.delivery.models import CalendarFeed

    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
