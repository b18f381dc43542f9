"""The one helper every query for library-owned data goes through.

A record that belongs to a library carries a ``library`` foreign key. Reading such records
starts from ``scoped(Model, library)`` (or a queryset), never from ``Model.objects`` bare,
so that one server can host many libraries and none sees another's data.
"""

from __future__ import annotations

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
