"""Template filters shared by every app."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes as "1 h 30 min" (Indonesian: "1 j 30 mnt")."""
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]`` in a template, or an empty list."""
    return (mapping or {}).get(key, [])


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\*\w])_(.+?)_(?![\*\w])")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+")


def _inline(text: str) -> str:
    text = urlize(escape(text), nofollow=True, autoescape=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


@register.filter(is_safe=True)
def richtext(value: str | None) -> SafeString:
    """Simple, safe formatting for texts people write: paragraphs, "- " and "1. " lists,
    **bold**, _italic_ and links. Everything else is escaped: no HTML from the writer is kept."""
    blocks = re.split(r"\n\s*\n", (value or "").replace("\r\n", "\n").strip())
    html: list[str] = []
    for block in filter(None, blocks):
        lines = block.split("\n")
        for pattern, tag in ((_BULLET, "ul"), (_NUMBER, "ol")):
            if all(pattern.match(line) for line in lines):
                items = "".join(f"<li>{_inline(pattern.sub('', line))}</li>" for line in lines)
                html.append(f"<{tag}>{items}</{tag}>")
                break
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - built from escaped text only


@register.filter
def half(value: Any) -> float:
    """Half a number (the neutral share sits on both sides of a diverging bar)."""
    try:
        return float(value) / 2
    except (TypeError, ValueError):
        return 0.0


@register.filter
def dimension_label(value: str) -> str:
    """The translated name of a feedback dimension."""
    from lentera.evaluation.models import Dimension

    return str(dict(Dimension.choices).get(value, value))


@register.filter(expects_localtime=True)
def shortdate(value: date | datetime | None, fmt: str = "j M") -> str:
    """A date (or a datetime, in the library's time zone) in ``fmt``, with the year added when it
    is not the current year: "2 Mar" this year, "2 Mar 2025" otherwise. For dates in lists."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = value.date() if isinstance(value, datetime) else value
    if shown.year != timezone.localdate().year:
        fmt = f"{fmt} Y"
    return date_format(value, fmt)
