"""The coordinator's form builder: new forms, copies, which form of a kind is in use, sections, items.

Once anyone has answered a form its items keep their meaning: their wording, answer type,
dimension, options and "not applicable" stay as they are, and items are neither added nor
removed (results over time would compare different questions). What stays free: the order of
items and sections, section titles, the form's title and introduction, and which items must be
answered. To change the rest the coordinator copies the form, edits the copy and puts it in use.

Only one form of a kind is used for new rounds (``services._form_of``: the oldest one in use);
putting a form in use takes the others of its kind out of use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from lentera.accounts.audit import audit_record, update_with_audit
from lentera.accounts.models import Library
from lentera.evaluation.models import FeedbackForm, FormItem, FormSection, Survey
from lentera.evaluation.services import _form_of

MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 200
CHOICE_KINDS = (FormItem.Kind.SINGLE, FormItem.Kind.MULTIPLE)
# what an answer means depends on these: fixed once anyone has answered
FIXED_ONCE_ANSWERED = ("text", "kind", "dimension", "options", "allows_not_applicable")
UP, DOWN = "up", "down"


# Reads -------------------------------------------------------------------------------------


def form_is_locked(form: FeedbackForm) -> bool:
    """Somebody has answered a round that uses the form."""
    answered = Q(participant_responses__gt=0) | Q(supervisor_responses__gt=0)
    return Survey.objects.filter(answered, forms=form).exists()


def form_in_use(*, library: Library, kind: str) -> FeedbackForm | None:
    """The form new rounds of ``kind`` use: the same rule as opening rounds."""
    return _form_of(library, kind)


def options_from_text(text: str) -> list[str]:
    """Options typed one per line, trimmed, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Checks ------------------------------------------------------------------------------------


def _locked() -> str:
    return _("People have already answered this form, so this cannot change. Make a copy to change it.")


def _lock_form(form: FeedbackForm) -> None:
    """Take the form's row lock: edits of one form's order and items happen one after the other."""
    FeedbackForm.objects.select_for_update().filter(pk=form.pk).first()


def _clean_item(
    *, text: str, kind: str, options: Sequence[str], allows_not_applicable: bool
) -> tuple[str, list[str], bool]:
    """The item's text, options and "not applicable" as stored, or a ValidationError per field."""
    errors: dict[str, str] = {}
    text = text.strip()
    options = [str(option).strip() for option in options if str(option).strip()]
    if not text:
        errors["text"] = _("Write the statement or question.")
    if kind in CHOICE_KINDS:
        seen: set[str] = set()
        twice = []
        for option in options:
            if option.casefold() in seen:
                twice.append(option)
            seen.add(option.casefold())
        if len(options) < 2:
            errors["options"] = _("A choice item needs at least two options, one per line.")
        elif twice:
            errors["options"] = _("Each option must be different: “%(option)s” is there twice.") % {"option": twice[0]}
        elif len(options) > MAX_OPTIONS:
            errors["options"] = _("At most %(n)s options.") % {"n": MAX_OPTIONS}
        elif any(len(o) > MAX_OPTION_LENGTH for o in options):
            errors["options"] = _("An option can be at most %(n)s characters long.") % {"n": MAX_OPTION_LENGTH}
    elif options and kind == FormItem.Kind.LIKERT:
        errors["options"] = _("An agreement item has no options: it is answered on the five points.")
    elif options:
        errors["options"] = _("A text item has no options: it is answered in words.")
    if errors:
        raise ValidationError(errors)
    # "not applicable" is offered on agreement items only (answering reads it nowhere else)
    return text, (options if kind in CHOICE_KINDS else []), allows_not_applicable and kind == FormItem.Kind.LIKERT


def _check_direction(direction: str) -> None:
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move up or down."))


def _swap(rows: list[Any], row: Any, direction: str) -> tuple[int, int] | None:
    """Number ``rows`` 0, 1, 2… with ``row`` one place up or down; None when it is already at the end."""
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    target = index - 1 if direction == UP else index + 1
    if not 0 <= target < len(rows):
        return None
    rows[index], rows[target] = rows[target], rows[index]
    for order, r in enumerate(rows):
        r.order = order
    type(row).objects.bulk_update(rows, ["order"])
    return index, target


# Forms -------------------------------------------------------------------------------------


@transaction.atomic
def feedback_form_create(
    *, actor: Any, library: Library, title: str, kind: str, introduction: str = ""
) -> FeedbackForm:
    """A new, empty form, not in use until the coordinator chooses it."""
    form = FeedbackForm(
        library=library, title=title.strip(), kind=kind, introduction=introduction.strip(), is_active=False
    )
    form.full_clean()
    form.save()
    audit_record(
        actor=actor,
        library=library,
        action="feedback_form.create",
        obj=form,
        changes={"title": [None, form.title], "kind": [None, form.kind]},
    )
    return form


@transaction.atomic
def feedback_form_update(
    *, actor: Any, form: FeedbackForm, title: str, kind: str, introduction: str = ""
) -> FeedbackForm:
    """Title and introduction always; what the form is used for only while nobody has answered and
    it is not in use."""
    _lock_form(form)
    if kind != form.kind:
        if form_is_locked(form):
            raise ValidationError({"kind": _locked()})
        if form.is_active:
            raise ValidationError({"kind": _("Take the form out of use before changing what it is used for.")})
    update_with_audit(
        actor=actor,
        library=form.library,
        obj=form,
        action="feedback_form.update",
        fields={"title": title.strip(), "kind": kind, "introduction": introduction.strip()},
        allowed=("title", "kind", "introduction"),
    )
    return form


@transaction.atomic
def feedback_form_copy(*, actor: Any, form: FeedbackForm) -> FeedbackForm:
    """A copy with all its sections and items, titled "Copy of …" and not in use; free to change."""
    title = _("Copy of %(title)s") % {"title": form.title}
    copy = FeedbackForm(
        library=form.library,
        title=title[: FeedbackForm._meta.get_field("title").max_length],
        kind=form.kind,
        introduction=form.introduction,
        is_active=False,
    )
    copy.full_clean()
    copy.save()
    sections = {}
    for section in form.sections.order_by("order", "id"):
        sections[section.pk] = FormSection.objects.create(form=copy, order=section.order, title=section.title)
    FormItem.objects.bulk_create(
        FormItem(
            form=copy,
            section=sections.get(item.section_id) if item.section_id else None,
            order=item.order,
            text=item.text,
            kind=item.kind,
            dimension=item.dimension,
            options=list(item.options),
            allows_not_applicable=item.allows_not_applicable,
            is_required=item.is_required,
        )
        for item in form.items.order_by("order", "id")
    )
    audit_record(
        actor=actor,
        library=form.library,
        action="feedback_form.copy",
        obj=copy,
        changes={"copied_from": [None, form.title]},
    )
    return copy


@transaction.atomic
def feedback_form_activate(*, actor: Any, form: FeedbackForm) -> FeedbackForm:
    """Use this form for new rounds of its kind; the other forms of its kind go out of use."""
    others = list(
        FeedbackForm.objects.select_for_update()
        .filter(library=form.library, kind=form.kind, is_active=True)
        .exclude(pk=form.pk)
        .order_by("pk")
    )
    _lock_form(form)
    if not form.items.exists():
        raise ValidationError(_("Add at least one item before using this form."))
    for other in others:
        other.is_active = False
        other.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            library=form.library,
            action="feedback_form.deactivate",
            obj=other,
            changes={"is_active": [True, False], "replaced_by": [None, form.title]},
        )
    if not form.is_active:
        form.is_active = True
        form.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            library=form.library,
            action="feedback_form.activate",
            obj=form,
            changes={"is_active": [False, True]},
        )
    return form


@transaction.atomic
def feedback_form_deactivate(*, actor: Any, form: FeedbackForm) -> FeedbackForm:
    """Take the form out of use: rounds already open keep it; no new round uses it."""
    _lock_form(form)
    if form.is_active:
        form.is_active = False
        form.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            library=form.library,
            action="feedback_form.deactivate",
            obj=form,
            changes={"is_active": [True, False]},
        )
    return form


# Sections ----------------------------------------------------------------------------------


@transaction.atomic
def form_section_add(*, actor: Any, form: FeedbackForm, title: str) -> FormSection:
    """A new section at the end of the form (harmless on an answered form: it holds nothing yet)."""
    _lock_form(form)
    last = form.sections.aggregate(last=Max("order"))["last"]
    section = FormSection(form=form, title=title.strip(), order=0 if last is None else last + 1)
    section.full_clean()
    section.save()
    audit_record(
        actor=actor,
        library=form.library,
        action="feedback_section.create",
        obj=section,
        changes={"title": [None, section.title]},
    )
    return section


@transaction.atomic
def form_section_rename(*, actor: Any, section: FormSection, title: str) -> FormSection:
    update_with_audit(
        actor=actor,
        library=section.form.library,
        obj=section,
        action="feedback_section.update",
        fields={"title": title.strip()},
        allowed=("title",),
    )
    return section


@transaction.atomic
def form_section_move(*, actor: Any, section: FormSection, direction: str) -> FormSection:
    """One place up or down (nothing happens at the top or the bottom)."""
    _check_direction(direction)
    _lock_form(section.form)
    moved = _swap(list(section.form.sections.order_by("order", "id")), section, direction)
    if moved is not None:
        section.order = moved[1]
        audit_record(
            actor=actor,
            library=section.form.library,
            action="feedback_section.move",
            obj=section,
            changes={"position": [moved[0] + 1, moved[1] + 1]},
        )
    return section


@transaction.atomic
def form_section_remove(*, actor: Any, section: FormSection) -> None:
    """Remove a section that holds no items."""
    _lock_form(section.form)
    if section.items.exists():
        raise ValidationError(_("Move or remove the items of this section first."))
    audit_record(
        actor=actor,
        library=section.form.library,
        action="feedback_section.remove",
        obj=section,
        changes={"title": [section.title, None]},
    )
    section.delete()


# Items -------------------------------------------------------------------------------------


@transaction.atomic
def form_item_add(
    *,
    actor: Any,
    section: FormSection,
    text: str,
    kind: str,
    dimension: str,
    options: Sequence[str] = (),
    allows_not_applicable: bool = True,
    is_required: bool = False,
) -> FormItem:
    """A new item at the end of ``section``; not on a form people have answered."""
    form = section.form
    _lock_form(form)
    if form_is_locked(form):
        raise ValidationError(_locked())
    text, cleaned, allows_not_applicable = _clean_item(
        text=text, kind=kind, options=options, allows_not_applicable=allows_not_applicable
    )
    last = section.items.aggregate(last=Max("order"))["last"]
    item = FormItem(
        form=form,
        section=section,
        order=0 if last is None else last + 1,
        text=text,
        kind=kind,
        dimension=dimension,
        options=cleaned,
        allows_not_applicable=allows_not_applicable,
        is_required=is_required,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        library=form.library,
        action="feedback_item.create",
        obj=item,
        changes={"text": [None, item.text], "kind": [None, item.kind], "section": [None, section.title]},
    )
    return item


@transaction.atomic
def form_item_update(
    *,
    actor: Any,
    item: FormItem,
    text: str,
    kind: str,
    dimension: str,
    options: Sequence[str] = (),
    allows_not_applicable: bool = True,
    is_required: bool = False,
    section: FormSection | None = None,
) -> FormItem:
    """Change an item; on an answered form only whether it is required and its section.

    ``section`` None keeps the item where it is; a new section puts it at that section's end.
    """
    form = item.form
    _lock_form(form)
    text, cleaned, allows_not_applicable = _clean_item(
        text=text, kind=kind, options=options, allows_not_applicable=allows_not_applicable
    )
    fields: dict[str, Any] = {
        "text": text,
        "kind": kind,
        "dimension": dimension,
        "options": cleaned,
        "allows_not_applicable": allows_not_applicable,
        "is_required": is_required,
    }
    if form_is_locked(form):
        errors = {name: _locked() for name in FIXED_ONCE_ANSWERED if fields[name] != getattr(item, name)}
        if errors:
            raise ValidationError(errors)
    if section is not None and section.pk != item.section_id:
        if section.form_id != form.pk:
            raise ValidationError({"section": _("Choose a section of this form.")})
        last = section.items.aggregate(last=Max("order"))["last"]
        fields |= {"section": section, "order": 0 if last is None else last + 1}
    update_with_audit(
        actor=actor,
        library=form.library,
        obj=item,
        action="feedback_item.update",
        fields=fields,
        allowed=(*FIXED_ONCE_ANSWERED, "is_required", "section", "order"),
    )
    return item


@transaction.atomic
def form_item_move(*, actor: Any, item: FormItem, direction: str) -> FormItem:
    """One place up or down within its section (nothing happens at the top or the bottom)."""
    _check_direction(direction)
    _lock_form(item.form)
    siblings = list(FormItem.objects.filter(form=item.form, section=item.section_id).order_by("order", "id"))
    moved = _swap(siblings, item, direction)
    if moved is not None:
        item.order = moved[1]
        audit_record(
            actor=actor,
            library=item.form.library,
            action="feedback_item.move",
            obj=item,
            changes={"position": [moved[0] + 1, moved[1] + 1]},
        )
    return item


@transaction.atomic
def form_item_remove(*, actor: Any, item: FormItem) -> None:
    """Remove an item; not from a form people have answered."""
    form = item.form
    _lock_form(form)
    if form_is_locked(form):
        raise ValidationError(_locked())
    audit_record(
        actor=actor,
        library=form.library,
        action="feedback_item.remove",
        obj=item,
        changes={"text": [item.text, None]},
    )
    item.delete()
