"""The coordinator's form builder: services (each rule and its failure) and pages for each role."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from lentera.accounts.models import AuditEntry
from lentera.delivery.tests.factories import CohortFactory
from lentera.evaluation import builder
from lentera.evaluation.models import FeedbackForm, FormItem, FormSection, Survey, Tally

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def _form(library: Any, *, kind: str = "session", title: str = "Sesi", items: int = 2) -> FeedbackForm:
    form = builder.feedback_form_create(actor=None, library=library, title=title, kind=kind)
    section = builder.form_section_add(actor=None, form=form, title="Materi")
    for n in range(items):
        builder.form_item_add(
            actor=None, section=section, text=f"Pernyataan {n + 1}", kind="likert", dimension="material"
        )
    return form


def _answer(item: FormItem) -> Tally:
    """Somebody answered ``item`` in a round of its library (rated it 4)."""
    cohort = CohortFactory(programme__library=item.form.library)
    now = timezone.now()
    survey = Survey.objects.create(
        library=item.form.library,
        cohort=cohort,
        kind=Survey.Kind.COHORT,
        opens_at=now - timedelta(days=1),
        closes_at=now,
        participant_responses=1,
    )
    survey.forms.add(item.form)
    return Tally.objects.create(survey=survey, item=item, value="4", count=1)


def _item_values(item: FormItem, **changes: Any) -> dict[str, Any]:
    values = {
        "text": item.text,
        "kind": item.kind,
        "dimension": item.dimension,
        "options": list(item.options),
        "allows_not_applicable": item.allows_not_applicable,
        "is_required": item.is_required,
    }
    return values | changes


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# Forms -------------------------------------------------------------------------------------


def test_a_new_form_is_not_in_use_until_chosen(library_a: Any, coordinator: Any) -> None:
    form = builder.feedback_form_create(
        actor=coordinator.user, library=library_a, title=" Umpan balik ", kind="cohort", introduction="Halo"
    )
    assert (form.title, form.kind, form.is_active) == ("Umpan balik", "cohort", False)
    assert builder.form_in_use(library=library_a, kind="cohort") is None
    assert _actions() == ["feedback_form.create"]


@pytest.mark.parametrize(("title", "kind"), [("", "session"), ("Sesi", "nonsense")])
def test_a_new_form_needs_a_title_and_a_known_kind(library_a: Any, title: str, kind: str) -> None:
    with pytest.raises(ValidationError):
        builder.feedback_form_create(actor=None, library=library_a, title=title, kind=kind)
    assert not FeedbackForm.objects.exists()


def test_the_forms_title_introduction_and_kind_change(library_a: Any) -> None:
    form = _form(library_a)
    builder.feedback_form_update(actor=None, form=form, title="Baru", kind="cohort", introduction="Isi")
    form.refresh_from_db()
    assert (form.title, form.kind, form.introduction) == ("Baru", "cohort", "Isi")
    entry = AuditEntry.objects.get(action="feedback_form.update")
    assert entry.changes["kind"] == ["session", "cohort"]


def test_an_answered_form_keeps_its_kind_but_not_its_title(library_a: Any) -> None:
    form = _form(library_a)
    _answer(form.items.first())
    with pytest.raises(ValidationError) as error:
        builder.feedback_form_update(actor=None, form=form, title="Sesi", kind="cohort")
    assert "kind" in error.value.message_dict
    builder.feedback_form_update(actor=None, form=form, title="Sesi 2026", kind="session", introduction="Baru")
    form.refresh_from_db()
    assert (form.title, form.introduction) == ("Sesi 2026", "Baru")


def test_a_form_in_use_keeps_its_kind(library_a: Any) -> None:
    form = _form(library_a)
    builder.feedback_form_activate(actor=None, form=form)
    with pytest.raises(ValidationError):
        builder.feedback_form_update(actor=None, form=form, title="Sesi", kind="cohort")


def test_a_copy_has_every_section_and_item_and_is_free_to_change(library_a: Any) -> None:
    form = _form(library_a, items=3)
    choice_section = builder.form_section_add(actor=None, form=form, title="Pilihan")
    builder.form_item_add(
        actor=None, section=choice_section, text="Modul?", kind="single", dimension="relevance", options=["A", "B"]
    )
    builder.feedback_form_activate(actor=None, form=form)
    _answer(form.items.first())
    copy = builder.feedback_form_copy(actor=None, form=form)
    assert copy.title == "Copy of Sesi" and not copy.is_active and copy.kind == form.kind
    assert [s.title for s in copy.sections.order_by("order")] == ["Materi", "Pilihan"]
    assert [(i.section.title, i.text, i.options) for i in copy.items.order_by("section__order", "order")] == [
        (i.section.title, i.text, i.options) for i in form.items.order_by("section__order", "order")
    ]
    assert builder.form_is_locked(form) and not builder.form_is_locked(copy)
    builder.form_item_remove(actor=None, item=copy.items.first())
    assert form.items.count() == 4
    assert AuditEntry.objects.filter(action="feedback_form.copy", object_id=str(copy.pk)).exists()


def test_a_copy_is_called_salinan_in_indonesian(library_a: Any) -> None:
    with translation.override("id"):
        copy = builder.feedback_form_copy(actor=None, form=_form(library_a, title="Sesi"))
    assert copy.title == "Salinan Sesi"


def test_putting_a_form_in_use_takes_the_others_of_its_kind_out(library_a: Any, library_b: Any) -> None:
    old, new = _form(library_a, title="Lama"), _form(library_a, title="Baru")
    cohort_form = _form(library_a, kind="cohort")
    elsewhere = _form(library_b)
    for form in (old, cohort_form, elsewhere):
        builder.feedback_form_activate(actor=None, form=form)
    assert builder.form_in_use(library=library_a, kind="session") == old
    builder.feedback_form_activate(actor=None, form=new)
    assert builder.form_in_use(library=library_a, kind="session") == new
    assert not FeedbackForm.objects.get(pk=old.pk).is_active
    assert FeedbackForm.objects.get(pk=cohort_form.pk).is_active and FeedbackForm.objects.get(pk=elsewhere.pk).is_active
    assert _actions()[-2:] == ["feedback_form.deactivate", "feedback_form.activate"]


def test_a_form_without_items_cannot_be_put_in_use(library_a: Any) -> None:
    form = _form(library_a, items=0)
    with pytest.raises(ValidationError):
        builder.feedback_form_activate(actor=None, form=form)
    assert not FeedbackForm.objects.get(pk=form.pk).is_active


def test_taking_a_form_out_of_use(library_a: Any) -> None:
    form = _form(library_a)
    builder.feedback_form_activate(actor=None, form=form)
    builder.feedback_form_deactivate(actor=None, form=form)
    assert builder.form_in_use(library=library_a, kind="session") is None
    builder.feedback_form_deactivate(actor=None, form=form)  # again: nothing more happens
    assert _actions().count("feedback_form.deactivate") == 1


# Sections ----------------------------------------------------------------------------------


def test_sections_are_added_at_the_end_renamed_moved_and_removed(library_a: Any) -> None:
    form = _form(library_a, items=0)
    second = builder.form_section_add(actor=None, form=form, title="Metode")
    third = builder.form_section_add(actor=None, form=form, title="Fasilitas")
    builder.form_section_rename(actor=None, section=second, title="Metode belajar")
    builder.form_section_move(actor=None, section=third, direction="up")
    assert [s.title for s in form.sections.order_by("order")] == ["Materi", "Fasilitas", "Metode belajar"]
    builder.form_section_move(actor=None, section=form.sections.get(title="Materi"), direction="up")  # the top
    builder.form_section_remove(actor=None, section=third)
    assert [s.title for s in form.sections.order_by("order")] == ["Materi", "Metode belajar"]
    assert _actions().count("feedback_section.move") == 1
    assert {"feedback_section.update", "feedback_section.remove"} <= set(_actions())


def test_a_section_needs_a_title(library_a: Any) -> None:
    form = _form(library_a, items=0)
    with pytest.raises(ValidationError):
        builder.form_section_add(actor=None, form=form, title=" ")
    with pytest.raises(ValidationError):
        builder.form_section_rename(actor=None, section=form.sections.get(), title="")


def test_a_section_with_items_is_not_removed(library_a: Any) -> None:
    form = _form(library_a)
    with pytest.raises(ValidationError):
        builder.form_section_remove(actor=None, section=form.sections.get())
    assert FormSection.objects.filter(form=form).exists()


def test_a_move_goes_up_or_down(library_a: Any) -> None:
    form = _form(library_a)
    with pytest.raises(ValidationError):
        builder.form_section_move(actor=None, section=form.sections.get(), direction="sideways")
    with pytest.raises(ValidationError):
        builder.form_item_move(actor=None, item=form.items.first(), direction="")


def test_an_answered_form_still_gets_new_sections_names_and_order(library_a: Any) -> None:
    form = _form(library_a)
    _answer(form.items.first())
    section = builder.form_section_add(actor=None, form=form, title="Lain")
    builder.form_section_move(actor=None, section=section, direction="up")
    builder.form_section_rename(actor=None, section=section, title="Lainnya")
    builder.form_section_remove(actor=None, section=section)


# Items -------------------------------------------------------------------------------------


def test_an_item_is_added_at_the_end_of_its_section(library_a: Any, coordinator: Any) -> None:
    form = _form(library_a)
    item = builder.form_item_add(
        actor=coordinator.user,
        section=form.sections.get(),
        text=" Modul mana? ",
        kind="multiple",
        dimension="relevance",
        options=[" Katalogisasi ", "", "Layanan"],
        allows_not_applicable=True,
        is_required=True,
    )
    assert (item.text, item.options, item.order, item.is_required) == (
        "Modul mana?",
        ["Katalogisasi", "Layanan"],
        2,
        True,
    )
    assert item.allows_not_applicable is False  # "not applicable" is for agreement items only
    assert AuditEntry.objects.filter(action="feedback_item.create", actor=coordinator.user).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "  "}, "text"),
        ({"kind": "single", "options": ["Ya"]}, "options"),
        ({"kind": "multiple", "options": ["Ya", " ya "]}, "options"),
        ({"kind": "single", "options": [str(n) for n in range(builder.MAX_OPTIONS + 1)]}, "options"),
        ({"kind": "single", "options": ["Ya", "x" * (builder.MAX_OPTION_LENGTH + 1)]}, "options"),
        ({"kind": "likert", "options": ["Ya", "Tidak"]}, "options"),
        ({"kind": "long_text", "options": ["Ya", "Tidak"]}, "options"),
        ({"dimension": "nonsense"}, "dimension"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_an_item_that_does_not_make_sense_is_refused(library_a: Any, values: dict[str, Any], field: str) -> None:
    form = _form(library_a, items=0)
    arguments = {"text": "Pernyataan", "kind": "likert", "dimension": "material"} | values
    with pytest.raises(ValidationError) as error:
        builder.form_item_add(actor=None, section=form.sections.get(), **arguments)
    assert field in error.value.message_dict
    assert not FormItem.objects.exists()


def test_no_item_is_added_to_an_answered_form(library_a: Any) -> None:
    form = _form(library_a)
    _answer(form.items.first())
    with pytest.raises(ValidationError):
        builder.form_item_add(actor=None, section=form.sections.get(), text="Baru", kind="likert", dimension="overall")
    assert form.items.count() == 2


def test_an_item_changes_and_the_change_is_audited(library_a: Any) -> None:
    form = _form(library_a)
    item = form.items.first()
    builder.form_item_update(
        actor=None,
        item=item,
        **_item_values(item, text="Baru?", kind="single", options=["A", "B"], dimension="overall"),
    )
    item.refresh_from_db()
    assert (item.text, item.kind, item.options, item.allows_not_applicable) == ("Baru?", "single", ["A", "B"], False)
    entry = AuditEntry.objects.get(action="feedback_item.update")
    assert entry.changes["text"] == ["Pernyataan 1", "Baru?"] and "order" not in entry.changes


def test_an_item_changed_into_nonsense_is_refused(library_a: Any) -> None:
    item = _form(library_a).items.first()
    with pytest.raises(ValidationError) as error:
        builder.form_item_update(actor=None, item=item, **_item_values(item, kind="single", options=["Satu"]))
    assert "options" in error.value.message_dict
    assert FormItem.objects.get(pk=item.pk).kind == "likert"


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Lain"},
        {"kind": "short_text", "allows_not_applicable": False},
        {"dimension": "overall"},
        {"allows_not_applicable": False},
    ],
)
def test_an_answered_items_meaning_stays(library_a: Any, change: dict[str, Any]) -> None:
    item = _form(library_a).items.first()
    _answer(item)
    with pytest.raises(ValidationError) as error:
        builder.form_item_update(actor=None, item=item, **_item_values(item, **change))
    assert set(error.value.message_dict) & set(change)
    assert FormItem.objects.get(pk=item.pk).text == "Pernyataan 1"


def test_an_answered_choice_items_options_stay(library_a: Any) -> None:
    form = _form(library_a, items=0)
    item = builder.form_item_add(
        actor=None, section=form.sections.get(), text="Modul?", kind="single", dimension="relevance", options=["A", "B"]
    )
    _answer(item)
    with pytest.raises(ValidationError) as error:
        builder.form_item_update(actor=None, item=item, **_item_values(item, options=["A", "B", "C"]))
    assert "options" in error.value.message_dict


def test_an_answered_item_may_become_required_and_change_section(library_a: Any) -> None:
    form = _form(library_a)
    item = form.items.first()
    _answer(item)
    other = builder.form_section_add(actor=None, form=form, title="Lain")
    builder.form_item_update(actor=None, item=item, section=other, **_item_values(item, is_required=True))
    item.refresh_from_db()
    assert item.is_required and item.section == other and item.order == 0


def test_an_item_goes_only_into_a_section_of_its_form(library_a: Any) -> None:
    item = _form(library_a).items.first()
    elsewhere = _form(library_a, title="Lain").sections.get()
    with pytest.raises(ValidationError) as error:
        builder.form_item_update(actor=None, item=item, section=elsewhere, **_item_values(item))
    assert "section" in error.value.message_dict


def test_items_move_within_their_section(library_a: Any) -> None:
    form = _form(library_a, items=3)
    first, second, third = form.items.order_by("order")
    builder.form_item_move(actor=None, item=third, direction="up")
    builder.form_item_move(actor=None, item=first, direction="up")  # already at the top
    builder.form_item_move(actor=None, item=first, direction="down")
    assert list(form.items.order_by("order").values_list("text", flat=True)) == [
        "Pernyataan 3",
        "Pernyataan 1",
        "Pernyataan 2",
    ]
    assert _actions().count("feedback_item.move") == 2
    _answer(second)  # reordering stays allowed once answered
    builder.form_item_move(actor=None, item=second, direction="up")


def test_an_item_is_removed(library_a: Any) -> None:
    form = _form(library_a)
    builder.form_item_remove(actor=None, item=form.items.first())
    assert form.items.count() == 1 and "feedback_item.remove" in _actions()


def test_an_answered_item_is_not_removed(library_a: Any) -> None:
    form = _form(library_a)
    _answer(form.items.last())
    with pytest.raises(ValidationError):
        builder.form_item_remove(actor=None, item=form.items.first())  # nor any other item of the form
    assert form.items.count() == 2


def test_options_are_typed_one_per_line() -> None:
    assert builder.options_from_text(" Ya \r\n\n Tidak\n") == ["Ya", "Tidak"]


# Pages -------------------------------------------------------------------------------------


@pytest.fixture
def form(library_a: Any) -> FeedbackForm:
    return _form(library_a)


def _urls(form: FeedbackForm) -> dict[str, tuple[str, str]]:
    section, item = form.sections.get(), form.items.first()
    return {
        "form_edit": ("get", reverse("evaluation:form_edit", args=[form.pk])),
        "form_copy": ("post", reverse("evaluation:form_copy", args=[form.pk])),
        "form_activate": ("post", reverse("evaluation:form_activate", args=[form.pk])),
        "form_deactivate": ("post", reverse("evaluation:form_deactivate", args=[form.pk])),
        "section_add": ("post", reverse("evaluation:section_add", args=[form.pk])),
        "section_rename": ("post", reverse("evaluation:section_rename", args=[form.pk, section.pk])),
        "section_move": ("post", reverse("evaluation:section_move", args=[form.pk, section.pk])),
        "section_remove": ("post", reverse("evaluation:section_remove", args=[form.pk, section.pk])),
        "item_add": ("post", reverse("evaluation:item_add", args=[form.pk, section.pk])),
        "item_row": ("get", reverse("evaluation:item_row", args=[form.pk, item.pk])),
        "item_edit": ("post", reverse("evaluation:item_edit", args=[form.pk, item.pk])),
        "item_move": ("post", reverse("evaluation:item_move", args=[form.pk, item.pk])),
        "item_remove": ("post", reverse("evaluation:item_remove", args=[form.pk, item.pk])),
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [("instructor_a", 403), ("participant_a", 403), ("partner_a", 403), ("coordinator_b", 404), ("anon", 302)],
)
def test_only_the_forms_coordinator_reaches_the_builder(
    personas: dict[str, Any], form: FeedbackForm, persona: str, status: int
) -> None:
    client = personas[persona].client
    for name, (method, url) in _urls(form).items():
        response = client.post(url, {"title": "X", "direction": "up"}) if method == "post" else client.get(url)
        assert response.status_code == status, name
        if persona == "anon":
            assert response["Location"].startswith(reverse("accounts:login")), name
    create = personas[persona].client.post(reverse("evaluation:form_create"), {"title": "X", "kind": "session"})
    assert create.status_code == (302 if persona == "coordinator_b" else status)
    assert FeedbackForm.objects.filter(library=form.library).count() == 1
    assert not AuditEntry.objects.filter(action__in=["feedback_form.update", "feedback_form.copy"]).exists()


def test_the_coordinator_makes_a_form(coordinator: Any) -> None:
    url = reverse("evaluation:form_create")
    assert coordinator.client.get(url).status_code == 200
    assert coordinator.client.post(url, {"title": "", "kind": "session"}).status_code == 400
    response = coordinator.client.post(url, {"title": "Sesi pagi", "kind": "session", "introduction": "Halo"})
    form = FeedbackForm.objects.get(title="Sesi pagi")
    assert response["Location"] == reverse("evaluation:form_edit", args=[form.pk])
    assert form.library == coordinator.library and not form.is_active


def test_the_editor_without_javascript(coordinator: Any, form: FeedbackForm) -> None:
    edit = reverse("evaluation:form_edit", args=[form.pk])
    section, item = form.sections.get(), form.items.first()
    page = coordinator.client.get(edit).content.decode()
    assert f'id="item-{item.pk}"' in page and f'id="section-{section.pk}"' in page and 'id="locked-note"' not in page
    # open an item, save it with a problem (the page comes back with it), then properly
    opened = coordinator.client.get(f"{edit}?item={item.pk}").content.decode()
    assert f'name="item-{item.pk}-text"' in opened
    data = {
        f"item-{item.pk}-section": section.pk,
        f"item-{item.pk}-text": "Materi jelas",
        f"item-{item.pk}-kind": "single",
        f"item-{item.pk}-dimension": "material",
        f"item-{item.pk}-options": "Ya",
    }
    url = reverse("evaluation:item_edit", args=[form.pk, item.pk])
    bad = coordinator.client.post(url, data)
    assert bad.status_code == 400 and "Materi jelas" in bad.content.decode()
    assert coordinator.client.post(url, data | {f"item-{item.pk}-options": "Ya\nTidak"}).status_code == 302
    item.refresh_from_db()
    assert (item.text, item.options) == ("Materi jelas", ["Ya", "Tidak"])
    # add an item to the section
    assert f'name="new-{section.pk}-text"' in coordinator.client.get(f"{edit}?add={section.pk}").content.decode()
    add = reverse("evaluation:item_add", args=[form.pk, section.pk])
    new = {f"new-{section.pk}-text": "Waktu cukup", f"new-{section.pk}-kind": "likert"}
    assert coordinator.client.post(add, new).status_code == 400  # no dimension
    response = coordinator.client.post(add, new | {f"new-{section.pk}-dimension": "method"})
    added = form.items.get(text="Waktu cukup")
    assert response["Location"].endswith(f"#item-{added.pk}")
    # move, add a section, rename it, remove it
    coordinator.client.post(reverse("evaluation:item_move", args=[form.pk, added.pk]), {"direction": "up"})
    assert list(form.items.order_by("order").values_list("pk", flat=True))[1] == added.pk
    assert coordinator.client.post(reverse("evaluation:section_add", args=[form.pk]), {"title": ""}).status_code == 400
    coordinator.client.post(reverse("evaluation:section_add", args=[form.pk]), {"title": "Lain"})
    other = form.sections.get(title="Lain")
    coordinator.client.post(reverse("evaluation:section_rename", args=[form.pk, other.pk]), {"title": "Lainnya"})
    coordinator.client.post(reverse("evaluation:section_move", args=[form.pk, other.pk]), {"direction": "up"})
    assert list(form.sections.order_by("order").values_list("title", flat=True)) == ["Lainnya", "Materi"]
    coordinator.client.post(reverse("evaluation:section_remove", args=[form.pk, other.pk]))
    coordinator.client.post(reverse("evaluation:item_remove", args=[form.pk, added.pk]))
    assert not form.sections.filter(pk=other.pk).exists() and not form.items.filter(pk=added.pk).exists()
    # and the form's own settings
    response = coordinator.client.post(edit, {"title": "Sesi siang", "kind": "session", "introduction": "Hai"})
    assert response.status_code == 302 and FeedbackForm.objects.get(pk=form.pk).title == "Sesi siang"


def test_the_editor_with_htmx_swaps_rows_and_cards(coordinator: Any, form: FeedbackForm) -> None:
    client = coordinator.client
    section, item = form.sections.get(), form.items.first()
    edit_url = reverse("evaluation:item_edit", args=[form.pk, item.pk])
    opened = client.get(edit_url, **HTMX).content.decode()
    assert opened.startswith(f'<li class="list-group-item" id="item-{item.pk}">') and "<html" not in opened
    data = {
        f"item-{item.pk}-section": section.pk,
        f"item-{item.pk}-text": "",
        f"item-{item.pk}-kind": "likert",
        f"item-{item.pk}-dimension": "material",
    }
    problem = client.post(edit_url, data, **HTMX)
    assert problem.status_code == 200 and 'aria-invalid="true"' in problem.content.decode()
    saved = client.post(edit_url, data | {f"item-{item.pk}-text": "Jelas"}, **HTMX).content.decode()
    assert "Jelas" in saved and f'name="item-{item.pk}-text"' not in saved
    cancel = client.get(reverse("evaluation:item_row", args=[form.pk, item.pk]), **HTMX).content.decode()
    assert cancel.startswith('<li class="list-group-item"')
    # adding and moving answer with the section's card
    add = reverse("evaluation:item_add", args=[form.pk, section.pk])
    assert f'name="new-{section.pk}-text"' in client.get(add, **HTMX).content.decode()
    card = client.post(
        add,
        {f"new-{section.pk}-text": "Baru", f"new-{section.pk}-kind": "likert", f"new-{section.pk}-dimension": "method"},
        **HTMX,
    ).content.decode()
    assert card.startswith(f'<div class="card mb-3" id="section-{section.pk}">') and "Baru" in card
    moved = client.post(reverse("evaluation:item_move", args=[form.pk, item.pk]), {"direction": "down"}, **HTMX)
    assert moved.content.decode().index("Pernyataan 2") < moved.content.decode().index("Jelas")
    # moving an item to another section swaps the whole list of sections
    other = builder.form_section_add(actor=None, form=form, title="Lain")
    response = client.post(
        edit_url, data | {f"item-{item.pk}-text": "Jelas", f"item-{item.pk}-section": other.pk}, **HTMX
    )
    assert response["HX-Retarget"] == "#sections" and 'id="sections"' in response.content.decode()
    sections = client.post(reverse("evaluation:section_move", args=[form.pk, other.pk]), {"direction": "up"}, **HTMX)
    assert 'id="sections"' in sections.content.decode()


def test_an_answered_form_says_so_and_offers_a_copy(coordinator: Any, form: FeedbackForm) -> None:
    item = form.items.first()
    _answer(item)
    page = coordinator.client.get(reverse("evaluation:form_edit", args=[form.pk])).content.decode()
    assert 'id="locked-note"' in page and reverse("evaluation:form_copy", args=[form.pk]) in page
    assert reverse("evaluation:item_remove", args=[form.pk, item.pk]) not in page
    assert reverse("evaluation:item_add", args=[form.pk, form.sections.get().pk]) not in page
    # the text field is shown but not taken: the required flag changes, the text does not
    opened = coordinator.client.get(reverse("evaluation:item_edit", args=[form.pk, item.pk]), **HTMX).content.decode()
    assert "disabled" in opened
    prefix = f"item-{item.pk}"
    coordinator.client.post(
        reverse("evaluation:item_edit", args=[form.pk, item.pk]),
        {f"{prefix}-section": item.section_id, f"{prefix}-text": "Lain", f"{prefix}-is_required": "on"},
    )
    item.refresh_from_db()
    assert item.text == "Pernyataan 1" and item.is_required
    response = coordinator.client.post(reverse("evaluation:item_remove", args=[form.pk, item.pk]))
    assert response.status_code == 302 and FormItem.objects.filter(pk=item.pk).exists()
    copy = coordinator.client.post(reverse("evaluation:form_copy", args=[form.pk]))
    made = FeedbackForm.objects.exclude(pk=form.pk).get()
    assert copy["Location"] == reverse("evaluation:form_edit", args=[made.pk])


def test_the_list_shows_which_form_of_each_kind_is_in_use(coordinator: Any, library_a: Any) -> None:
    old, new = _form(library_a, title="Sesi lama"), _form(library_a, title="Sesi baru")
    FeedbackForm.objects.filter(pk__in=[old.pk, new.pk]).update(is_active=True)  # two marked in use: the older counts
    list_url = reverse("evaluation:form_list")
    page = coordinator.client.get(list_url).content.decode()
    in_use = 'class="badge text-bg-success"'
    assert page.count(in_use) == 1
    assert page.index("Sesi baru") < page.index("Sesi lama")  # by title
    assert page.index(in_use) > page.index("Sesi lama")  # the badge follows the older form's title
    response = coordinator.client.post(reverse("evaluation:form_activate", args=[new.pk]), {"back": "list"})
    assert response["Location"] == list_url
    assert builder.form_in_use(library=library_a, kind="session") == new
    response = coordinator.client.post(reverse("evaluation:form_deactivate", args=[new.pk]))
    assert response["Location"] == reverse("evaluation:form_edit", args=[new.pk])
    assert builder.form_in_use(library=library_a, kind="session") is None


def test_an_empty_form_is_not_put_in_use(coordinator: Any, library_a: Any) -> None:
    form = _form(library_a, items=0)
    coordinator.client.post(reverse("evaluation:form_activate", args=[form.pk]))
    assert not FeedbackForm.objects.get(pk=form.pk).is_active


EDITOR_QUERIES = 8  # session, user, membership; form, answered?, in use, sections, items


@pytest.mark.parametrize("size", [5, 15])
def test_the_editor_page_queries(coordinator: Any, library_a: Any, size: int, django_assert_num_queries: Any) -> None:
    form = _form(library_a, items=size)
    other = builder.form_section_add(actor=None, form=form, title="Lain")
    builder.form_item_add(
        actor=None, section=other, text="Pilih", kind="single", dimension="overall", options=["A", "B"]
    )
    _answer(form.items.first())
    url = reverse("evaluation:form_edit", args=[form.pk])
    coordinator.client.get(url)  # the session warmed up
    with django_assert_num_queries(EDITOR_QUERIES):
        assert coordinator.client.get(url).status_code == 200
