"""Shared by the views modules of delivery."""

from __future__ import annotations

from django.urls import reverse

from lentera.accounts.models import Role

STAFF_ROLES = (Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTICIPANT)

_PK_PLACEHOLDER = 2147483647


def url_around_pk(name: str) -> dict[str, str]:
    """The URL named ``name`` before and after its one ``pk``, reversed once for a whole list.

    A template row joins ``{{ url.before }}{{ row.pk }}{{ url.after }}`` instead of a ``{% url %}``
    each (a dict: the template's first lookup finds the key).
    """
    before, after = reverse(name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return {"before": before, "after": after}
