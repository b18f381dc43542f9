"""Template filters shared by every app."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
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


# Rich text: Markdown (CommonMark, markdown-it-py) without raw HTML or images, bare http(s):// and
# www. addresses made into links by a small rule of ours (linkify-it-py would be one more dependency
# for the same thing), then nh3 keeps only the allowed tags, attributes and URL schemes.
RICHTEXT_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4", "h5", "h6"}
RICHTEXT_SCHEMES = {"http", "https", "mailto"}
_BARE_URL = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`\\]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~'\""
_HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


def _url_end(url: str) -> str:
    """A bare URL without the sentence's punctuation after it, and without a ")" it did not open."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _linkify(state: Any) -> None:
    """Core rule: text outside links gets its bare web addresses as links."""
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            inside_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or inside_link or not _BARE_URL.search(token.content):
                children.append(token)
                continue
            text, position = token.content, 0
            for match in _BARE_URL.finditer(text):
                url = _url_end(match.group())
                if match.start() < position or not url or url.lower() in ("www.", "http://", "https://"):
                    continue
                if match.start() > position:
                    children.append(_text_token(text[position : match.start()]))
                href = url if "://" in url else f"https://{url}"
                opening = Token("link_open", "a", 1)
                opening.attrs = {"href": state.md.normalizeLink(href)}
                children += [opening, _text_token(url), Token("link_close", "a", -1)]
                position = match.start() + len(url)
            if position < len(text):
                children.append(_text_token(text[position:]))
        block.children = children


def _text_token(content: str) -> Any:
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


def _shift_headings(state: Any) -> None:
    """A writer's "# Title" sits under the page's own headings: h1 becomes h3, and so on."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT.get(token.tag, token.tag)


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.disable(["image", "html_block", "html_inline"])
    md.core.ruler.push("lentera_linkify", _linkify)
    md.core.ruler.push("lentera_headings", _shift_headings)
    return md


@register.filter(is_safe=True)
def richtext(value: str | None) -> SafeString:
    """Formatting for texts people write, as Markdown: paragraphs, lists, **bold**, _italic_, `code`,
    quotes, headings and links (http, https and mailto only, opened in a new tab, nofollow).
    No HTML from the writer, no images; what comes out is sanitised by nh3 against an allow-list."""
    import nh3

    html = _markdown().render((value or "").replace("\r\n", "\n"))
    clean = nh3.clean(
        html,
        tags=RICHTEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes=RICHTEXT_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
    return mark_safe(clean.strip())  # noqa: S308 - sanitised by nh3 against an allow-list


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
