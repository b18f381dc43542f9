"""Pages of the coordinator's form builder: a new form, copies, which form is in use, the editor.

The editor is plain forms and full pages, so it works without JavaScript (``?item=`` opens an
item for editing, ``?add=`` a section's new-item form). With HTMX each small action swaps only
what it changes: an item's row (edit, save, cancel), its section's card (add, move, remove an
item; rename the section) or the list of sections (add, move, remove a section). HTMX swaps
only 2xx answers, so a fragment with a problem in it comes back as 200; a full page as 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Role
from lentera.evaluation import builder, selectors
from lentera.evaluation.forms import FeedbackFormForm, ItemForm, SectionForm
from lentera.evaluation.models import Dimension, FeedbackForm, FormItem, FormSection
from lentera.lib.forms import add_service_errors

# Forms -------------------------------------------------------------------------------------


def _item_initial(item: FormItem) -> dict[str, Any]:
    return {
        "section": item.section_id,
        "text": item.text,
        "kind": item.kind,
        "dimension": item.dimension,
        "options": "\n".join(item.options),
        "allows_not_applicable": item.allows_not_applicable,
        "is_required": item.is_required,
    }


def _new_item_form(section: FormSection, data: Any = None) -> ItemForm:
    return ItemForm(
        data,
        prefix=f"new-{section.pk}",
        initial={"kind": FormItem.Kind.LIKERT, "dimension": Dimension.OVERALL, "allows_not_applicable": True},
    )


def _item_form(item: FormItem, sections: list[FormSection], locked: bool, data: Any = None) -> ItemForm:
    return ItemForm(data, prefix=f"item-{item.pk}", sections=sections, locked=locked, initial=_item_initial(item))


# What the editor shows ---------------------------------------------------------------------


@dataclass
class Row:
    item: FormItem
    first: bool
    last: bool
    form: ItemForm | None = None  # open for editing


@dataclass
class Block:
    """A section's card; ``section`` None gathers the items that have no section."""

    section: FormSection | None
    rows: list[Row]
    first: bool
    last: bool
    adding: ItemForm | None = None
    error: str = ""
    notice: str = ""
    title_value: str = ""

    @property
    def key(self) -> str:
        return str(self.section.pk) if self.section is not None else "none"


@dataclass
class Editor:
    form: FeedbackForm
    locked: bool
    sections: list[FormSection]
    blocks: list[Block] = field(default_factory=list)

    def block(self, key: str) -> Block:
        return next(b for b in self.blocks if b.key == key)

    def row(self, item_pk: int) -> Row:
        return next(r for b in self.blocks for r in b.rows if r.item.pk == item_pk)


def _editor(
    form: FeedbackForm,
    *,
    editing: dict[int, ItemForm] | None = None,
    adding: dict[str, ItemForm] | None = None,
    errors: dict[str, str] | None = None,
    notices: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
    locked: bool | None = None,
    sections: list[FormSection] | None = None,
) -> Editor:
    """The form's sections and items in order (two queries whatever their number)."""
    editing, adding, errors, notices, titles = editing or {}, adding or {}, errors or {}, notices or {}, titles or {}
    sections = list(form.sections.order_by("order", "id")) if sections is None else sections
    items = list(form.items.order_by("order", "id"))
    editor = Editor(form, builder.form_is_locked(form) if locked is None else locked, sections)
    groups: list[tuple[FormSection | None, list[FormItem]]] = [
        (section, [i for i in items if i.section_id == section.pk]) for section in sections
    ]
    known = {s.pk for s in sections}
    loose = [i for i in items if i.section_id not in known]
    if loose:
        groups.insert(0, (None, loose))
    for index, (section, members) in enumerate(groups):
        rows = [
            Row(item, first=n == 0, last=n == len(members) - 1, form=editing.get(item.pk))
            for n, item in enumerate(members)
        ]
        block = Block(section, rows, first=index == 0, last=index == len(groups) - 1)
        block.adding = adding.get(block.key)
        block.error, block.notice = errors.get(block.key, ""), notices.get(block.key, "")
        block.title_value = titles.get(block.key, section.title if section else "")
        editor.blocks.append(block)
    return editor


def _feedback_form(request: AccessRequest, pk: int) -> FeedbackForm:
    return selectors.form_get_for_user(access=request.access, pk=pk)


def _edit_url(form: FeedbackForm, anchor: str = "", query: str = "") -> str:
    url = reverse("evaluation:form_edit", args=[form.pk])
    return f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"


def _page(
    request: AccessRequest,
    form: FeedbackForm | None,
    *,
    settings_form: FeedbackFormForm | None = None,
    editor: Editor | None = None,
    new_section: str = "",
    new_section_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "feedback_form": form,
        "new_section": new_section,
        "new_section_error": new_section_error,
    }
    if form is not None:
        editor = editor or _editor(form)
        context |= {
            "editor": editor,
            "locked": editor.locked,
            "in_use": builder.form_in_use(library=request.access.current_library, kind=form.kind) == form,
        }
        settings_form = settings_form or FeedbackFormForm(
            initial={"title": form.title, "kind": form.kind, "introduction": form.introduction}, locked=editor.locked
        )
    context["settings_form"] = settings_form or FeedbackFormForm()
    return render(request, "evaluation/form_edit.html", context, status=status)


def _section_card(request: AccessRequest, editor: Editor, key: str) -> HttpResponse:
    return render(
        request,
        "evaluation/builder/section.html",
        {"feedback_form": editor.form, "locked": editor.locked, "block": editor.block(key)},
    )


def _sections(
    request: AccessRequest, editor: Editor, *, error: str = "", new_section: str = "", new_section_error: str = ""
) -> HttpResponse:
    return render(
        request,
        "evaluation/builder/sections.html",
        {
            "feedback_form": editor.form,
            "locked": editor.locked,
            "editor": editor,
            "sections_error": error,
            "new_section": new_section,
            "new_section_error": new_section_error,
        },
    )


def _row(request: AccessRequest, editor: Editor, item_pk: int) -> HttpResponse:
    return render(
        request,
        "evaluation/builder/item_row.html",
        {"feedback_form": editor.form, "locked": editor.locked, "row": editor.row(item_pk)},
    )


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# Forms: new, settings, copy, in use --------------------------------------------------------


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def form_create(request: AccessRequest) -> HttpResponse:
    settings_form = FeedbackFormForm(request.POST or None)
    if request.method == "POST" and settings_form.is_valid():
        try:
            form = builder.feedback_form_create(
                actor=request.user, library=request.access.current_library, **settings_form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(settings_form, error)
        else:
            messages.success(request, _("The form was made. Add sections and items, then put it in use."))
            return redirect("evaluation:form_edit", pk=form.pk)
    return _page(request, None, settings_form=settings_form, status=400 if request.method == "POST" else 200)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def form_edit(request: AccessRequest, pk: int) -> HttpResponse:
    """The editor; a POST saves the form's title, use and introduction."""
    form = _feedback_form(request, pk)
    locked = builder.form_is_locked(form)
    if request.method == "POST":
        settings_form = FeedbackFormForm(request.POST, locked=locked, initial={"kind": form.kind})
        if settings_form.is_valid():
            try:
                builder.feedback_form_update(actor=request.user, form=form, **settings_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(settings_form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("evaluation:form_edit", pk=form.pk)
        return _page(request, form, settings_form=settings_form, editor=_editor(form, locked=locked), status=400)
    editing: dict[int, ItemForm] = {}
    adding: dict[str, ItemForm] = {}
    sections = list(form.sections.order_by("order", "id"))
    wanted_item = request.GET.get("item", "")
    if wanted_item.isdigit():
        item = form.items.filter(pk=int(wanted_item)).first()
        if item is not None:
            editing[item.pk] = _item_form(item, sections, locked)
    wanted_section = request.GET.get("add", "")
    if not locked and wanted_section.isdigit():
        section = next((s for s in sections if s.pk == int(wanted_section)), None)
        if section is not None:
            adding[str(section.pk)] = _new_item_form(section)
    editor = _editor(form, editing=editing, adding=adding, locked=locked, sections=sections)
    return _page(request, form, editor=editor)


def _back(request: AccessRequest, form: FeedbackForm) -> HttpResponse:
    if request.POST.get("back") == "list":
        return redirect("evaluation:form_list")
    return redirect("evaluation:form_edit", pk=form.pk)


@role_required(Role.COORDINATOR)
@require_POST
def form_copy(request: AccessRequest, pk: int) -> HttpResponse:
    copy = builder.feedback_form_copy(actor=request.user, form=_feedback_form(request, pk))
    messages.success(request, _("A copy was made. It is not in use yet: change it, then put it in use."))
    return redirect("evaluation:form_edit", pk=copy.pk)


@role_required(Role.COORDINATOR)
@require_POST
def form_activate(request: AccessRequest, pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    try:
        builder.feedback_form_activate(actor=request.user, form=form)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("New rounds (%(kind)s) now use “%(title)s”.") % {"kind": form.get_kind_display(), "title": form.title},
        )
    return _back(request, form)


@role_required(Role.COORDINATOR)
@require_POST
def form_deactivate(request: AccessRequest, pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    builder.feedback_form_deactivate(actor=request.user, form=form)
    messages.success(request, _("“%(title)s” is no longer in use.") % {"title": form.title})
    if builder.form_in_use(library=request.access.current_library, kind=form.kind) is None:
        messages.warning(
            request,
            _("No form is in use for “%(kind)s” now, so no new rounds of this kind open.")
            % {"kind": form.get_kind_display()},
        )
    return _back(request, form)


# Sections ----------------------------------------------------------------------------------


def _section(form: FeedbackForm, section_pk: int) -> FormSection:
    return get_object_or_404(form.sections.select_related("form__library"), pk=section_pk)


@role_required(Role.COORDINATOR)
@require_POST
def section_add(request: AccessRequest, pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    data = SectionForm(request.POST)
    typed = request.POST.get("title", "")
    problem, section = "", None
    if data.is_valid():
        try:
            section = builder.form_section_add(actor=request.user, form=form, title=data.cleaned_data["title"])
        except ValidationError as error:
            problem = _errors(error)
    else:
        problem = " ".join(str(e) for e in data.errors.get("title", []))
    if request.htmx:
        return _sections(request, _editor(form), new_section=typed if problem else "", new_section_error=problem)
    if section is None:
        return _page(request, form, new_section=typed, new_section_error=problem, status=400)
    return redirect(_edit_url(form, f"section-{section.pk}"))


@role_required(Role.COORDINATOR)
@require_POST
def section_rename(request: AccessRequest, pk: int, section_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    section = _section(form, section_pk)
    data = SectionForm(request.POST)
    problem = ""
    if data.is_valid():
        try:
            builder.form_section_rename(actor=request.user, section=section, title=data.cleaned_data["title"])
        except ValidationError as error:
            problem = _errors(error)
    else:
        problem = " ".join(str(e) for e in data.errors.get("title", []))
    key = str(section.pk)
    typed = {key: request.POST.get("title", "")} if problem else {}
    if request.htmx:
        editor = _editor(form, errors={key: problem}, notices={key: "" if problem else _("Saved.")}, titles=typed)
        return _section_card(request, editor, key)
    if problem:
        return _page(request, form, editor=_editor(form, errors={key: problem}, titles=typed), status=400)
    messages.success(request, _("Saved."))
    return redirect(_edit_url(form, f"section-{section.pk}"))


@role_required(Role.COORDINATOR)
@require_POST
def section_move(request: AccessRequest, pk: int, section_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    section = _section(form, section_pk)
    problem = ""
    try:
        builder.form_section_move(actor=request.user, section=section, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        problem = _errors(error)
    if request.htmx:
        return _sections(request, _editor(form), error=problem)
    if problem:
        messages.error(request, problem)
    return redirect(_edit_url(form, f"section-{section.pk}"))


@role_required(Role.COORDINATOR)
@require_POST
def section_remove(request: AccessRequest, pk: int, section_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    section = _section(form, section_pk)
    key = str(section.pk)
    problem = ""
    try:
        builder.form_section_remove(actor=request.user, section=section)
    except ValidationError as error:
        problem = _errors(error)
    if request.htmx:
        return _sections(request, _editor(form, errors={key: problem}))
    if problem:
        messages.error(request, problem)
        return redirect(_edit_url(form, f"section-{key}"))
    messages.success(request, _("The section was removed."))
    return redirect(_edit_url(form, "sections"))


# Items -------------------------------------------------------------------------------------


def _item(form: FeedbackForm, item_pk: int) -> FormItem:
    return get_object_or_404(form.items.select_related("form__library"), pk=item_pk)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def item_add(request: AccessRequest, pk: int, section_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    section = _section(form, section_pk)
    key = str(section.pk)
    if request.method == "GET":
        if not request.htmx:
            return redirect(_edit_url(form, f"add-{key}", f"add={key}"))
        editor = _editor(form, adding={key: _new_item_form(section)})
        return render(
            request,
            "evaluation/builder/item_add.html",
            {"feedback_form": form, "locked": editor.locked, "block": editor.block(key)},
        )
    data = _new_item_form(section, request.POST)
    item = None
    if data.is_valid():
        try:
            item = builder.form_item_add(actor=request.user, section=section, **data.cleaned_data)
        except ValidationError as error:
            add_service_errors(data, error)
    if request.htmx:
        if item is None:
            return _section_card(request, _editor(form, adding={key: data}), key)
        return _section_card(request, _editor(form, notices={key: _("The item was added.")}), key)
    if item is None:
        return _page(request, form, editor=_editor(form, adding={key: data}), status=400)
    messages.success(request, _("The item was added."))
    return redirect(_edit_url(form, f"item-{item.pk}"))


@role_required(Role.COORDINATOR)
@require_GET
def item_row(request: AccessRequest, pk: int, item_pk: int) -> HttpResponse:
    """An item's row as it is shown (HTMX: "cancel" on the row being edited)."""
    form = _feedback_form(request, pk)
    item = _item(form, item_pk)
    if not request.htmx:
        return redirect(_edit_url(form, f"item-{item.pk}"))
    return _row(request, _editor(form), item.pk)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def item_edit(request: AccessRequest, pk: int, item_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    item = _item(form, item_pk)
    locked = builder.form_is_locked(form)
    sections = list(form.sections.order_by("order", "id"))
    if request.method == "GET":
        if not request.htmx:
            return redirect(_edit_url(form, f"item-{item.pk}", f"item={item.pk}"))
        editor = _editor(form, editing={item.pk: _item_form(item, sections, locked)}, locked=locked, sections=sections)
        return _row(request, editor, item.pk)
    data = _item_form(item, sections, locked, request.POST)
    section_before, saved = item.section_id, False
    if data.is_valid():
        values = dict(data.cleaned_data)
        wanted = values.pop("section")
        section = next((s for s in sections if s.pk == wanted), None)
        try:
            builder.form_item_update(actor=request.user, item=item, section=section, **values)
        except ValidationError as error:
            add_service_errors(data, error)
        else:
            saved = True
    if request.htmx:
        if saved and item.section_id != section_before:  # it moved to another section's card
            response = _sections(request, _editor(form, locked=locked))
            return retarget(reswap(response, "outerHTML"), "#sections")
        editor = _editor(form, editing={} if saved else {item.pk: data}, locked=locked)
        return _row(request, editor, item.pk)
    if not saved:
        return _page(request, form, editor=_editor(form, editing={item.pk: data}, locked=locked), status=400)
    messages.success(request, _("Saved."))
    return redirect(_edit_url(form, f"item-{item.pk}"))


@role_required(Role.COORDINATOR)
@require_POST
def item_move(request: AccessRequest, pk: int, item_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    item = _item(form, item_pk)
    key = str(item.section_id) if item.section_id else "none"
    problem = ""
    try:
        builder.form_item_move(actor=request.user, item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        problem = _errors(error)
    if request.htmx:
        return _section_card(request, _editor(form, errors={key: problem}), key)
    if problem:
        messages.error(request, problem)
    return redirect(_edit_url(form, f"item-{item.pk}"))


@role_required(Role.COORDINATOR)
@require_POST
def item_remove(request: AccessRequest, pk: int, item_pk: int) -> HttpResponse:
    form = _feedback_form(request, pk)
    item = _item(form, item_pk)
    key = str(item.section_id) if item.section_id else "none"
    anchor = f"item-{item.pk}"
    problem = ""
    try:
        builder.form_item_remove(actor=request.user, item=item)
    except ValidationError as error:
        problem = _errors(error)
    if request.htmx:
        editor = _editor(form, errors={key: problem})
        if any(b.key == key for b in editor.blocks):
            return _section_card(request, editor, key)
        return retarget(reswap(_sections(request, editor), "outerHTML"), "#sections")  # the last loose item
    if problem:
        messages.error(request, problem)
        return redirect(_edit_url(form, anchor))
    messages.success(request, _("The item was removed."))
    return redirect(_edit_url(form, f"section-{key}"))
