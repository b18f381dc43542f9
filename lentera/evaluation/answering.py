"""Reading a submitted feedback form. Pure: the items and instructors come in, cleaned answers or
problems (each naming its item) come out.

Field names: ``i<item>`` for an item about the session or cohort, ``i<item>-u<instructor>`` for
an instructor item answered for one instructor. A rating is "1"–"5" or "na".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_TEXT = 4000


@dataclass
class Cleaned:
    item: Any
    instructor: Any = None
    rating: int | None = None
    not_applicable: bool = False
    choices: list[str] = field(default_factory=list)
    text: str = ""


def field_name(item: Any, instructor: Any = None) -> str:
    return f"i{item.pk}-u{instructor.pk}" if instructor is not None else f"i{item.pk}"


def read_answers(
    data: Any, *, items: Sequence[Any], instructor_items: Sequence[Any], instructors: Sequence[Any]
) -> tuple[list[Cleaned], dict[str, str]]:
    """The answers given (blank ones left out) and the problems by field name."""
    cleaned: list[Cleaned] = []
    problems: dict[str, str] = {}
    pairs = [(item, None) for item in items] + [(item, person) for person in instructors for item in instructor_items]
    for item, person in pairs:
        name = field_name(item, person)
        answer, problem = _one(data, name, item)
        if problem:
            problems[name] = problem
        elif answer is not None:
            answer.instructor = person
            cleaned.append(answer)
    return cleaned, problems


def _values(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if v != ""]
    value = data.get(name) if isinstance(data, Mapping) else None
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [str(value)]


def _one(data: Any, name: str, item: Any) -> tuple[Cleaned | None, str]:
    values = _values(data, name)
    if not values:
        return None, (_("Please answer this.") if item.is_required else "")
    if item.kind == "likert":
        value = values[0]
        if value == "na" and item.allows_not_applicable:
            return Cleaned(item, not_applicable=True), ""
        if value not in {"1", "2", "3", "4", "5"}:
            return None, _("Choose one of the five answers.")
        return Cleaned(item, rating=int(value)), ""
    if item.kind in ("single", "multiple"):
        if any(v not in item.options for v in values) or (item.kind == "single" and len(values) > 1):
            return None, _("Choose from the options given.")
        return Cleaned(item, choices=values), ""
    text = values[0].strip()
    if len(text) > MAX_TEXT:
        return None, _("At most %(n)s characters.") % {"n": MAX_TEXT}
    if not text:
        return None, (_("Please answer this.") if item.is_required else "")
    return Cleaned(item, text=text), ""
