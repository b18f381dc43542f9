"""Shared by the views modules of delivery."""

from __future__ import annotations

from lentera.accounts.models import Role

STAFF_ROLES = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)
