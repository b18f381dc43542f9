"""The choices of a feedback form's item, rendered in Python: a form has ~16 items of 5–6 choices
each, and a template loop per choice was most of the page's time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHECKED = mark_safe(" checked")  # noqa: S308 - a constant attribute


@register.simple_tag
def likert_choices(field: dict[str, Any], likert: Sequence[tuple[int, str]]) -> SafeString:
    """The five radios of a rating and their labels (the "not applicable" one stays in the template)."""
    values = field["values"]
    return format_html_join(
        "",
        '\n      <input class="btn-check" type="radio" name="{0}" id="{0}-{1}" value="{1}"{2}>'
        '\n      <label class="btn btn-outline-primary likert-option" for="{0}-{1}">'
        '<span class="fw-semibold">{1}</span> <span class="small likert-word">{3}</span></label>\n      ',
        ((field["name"], value, CHECKED if str(value) in values else "", label) for value, label in likert),
    )


@register.simple_tag
def option_choices(field: dict[str, Any]) -> SafeString:
    """The radios (one choice) or checkboxes (several) of an item with options."""
    values = field["values"]
    kind = "checkbox" if field["item"].kind == "multiple" else "radio"
    return format_html_join(
        "",
        '\n      <div class="form-check py-1"><input class="form-check-input" type="{0}" name="{1}" id="{1}-{2}"'
        ' value="{3}"{4}><label class="form-check-label" for="{1}-{2}">{3}</label></div>\n      ',
        (
            (kind, field["name"], counter, option, CHECKED if option in values else "")
            for counter, option in enumerate(field["item"].options, start=1)
        ),
    )
