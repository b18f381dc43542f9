"""The one helper every query for library-owned data goes through.

A record that belongs to a library carries a ``library`` foreign key. Reading such records
starts from ``scoped(Model, library)`` (or a queryset), never from ``Model.objects`` bare,
so that one server can host many libraries and none sees another's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class NoLibraryError(LookupError):
    """Raised when library-owned data is asked for without a library."""


def scoped(source: type[M] | QuerySet[M], library: Any) -> QuerySet[M]:
    """Return ``source`` filtered to ``library``; refuse to run without one."""
    if library is None or getattr(library, "pk", None) is None:
        raise NoLibraryError("library-owned data was asked for without a current library")
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    return queryset.filter(library=library)


def same_library(library: Any, field: str, objects: Iterable[Any]) -> list[Any]:
    """``objects`` as a list, or a ValidationError on ``field`` when one belongs to another library."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    objects = list(objects)
    if any(obj.library_id != library.pk for obj in objects):
        raise ValidationError({field: _("Choose only items that belong to this library.")})
    return objects
