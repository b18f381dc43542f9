"""Questions in a spreadsheet: the columns, reading and checking rows, and writing an export.

One question per row. An export imports back into the same questions (round trip). Checking
needs the library's competencies and modules, passed in as lookups; nothing is written here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lentera.lib import xlsx
from lentera.lib.spreadsheet import Rows

LETTERS = "ABCDEF"
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("jenis", "jenis soal", "type", "kind"),
    "text": ("soal", "pertanyaan", "question", "text"),
    **{f"option_{x.lower()}": (f"pilihan {x.lower()}", f"option {x.lower()}", x.lower()) for x in LETTERS},
    "key": ("kunci", "kunci jawaban", "jawaban", "answer key", "key"),
    "difficulty": ("tingkat", "tingkat kesulitan", "kesulitan", "difficulty"),
    "competencies": ("kompetensi", "competencies"),
    "modules": ("modul", "modules"),
    "explanation": ("pembahasan", "penjelasan", "explanation"),
}
HEADERS = ["Jenis", "Soal", *[f"Pilihan {x}" for x in LETTERS], "Kunci", "Tingkat", "Kompetensi", "Modul", "Pembahasan"]
KINDS = {
    "single": "single",
    "pilihan tunggal": "single",
    "pg": "single",
    "satu jawaban": "single",
    "multiple": "multiple",
    "pilihan majemuk": "multiple",
    "beberapa jawaban": "multiple",
    "pilihan ganda": "multiple",
    "true_false": "true_false",
    "benar/salah": "true_false",
    "benar salah": "true_false",
    "b/s": "true_false",
    "short": "short",
    "isian": "short",
    "isian singkat": "short",
}
DIFFICULTIES = {
    "easy": "easy",
    "mudah": "easy",
    "medium": "medium",
    "sedang": "medium",
    "hard": "hard",
    "sulit": "hard",
    "": "medium",
}
TRUE_WORDS, FALSE_WORDS = {"benar", "true", "b", "ya"}, {"salah", "false", "s", "tidak"}
OPTION_MAX_LENGTH = 500  # Choice.text's max_length: a longer option would fail only when confirmed
SEPARATOR = ";"


def column_labels() -> dict[str, str]:
    labels = {
        "kind": _("Type"),
        "text": _("Question"),
        "key": _("Answer key"),
        "difficulty": _("Difficulty"),
        "competencies": _("Competencies"),
        "modules": _("Modules"),
        "explanation": _("Explanation"),
    }
    labels.update({f"option_{x.lower()}": _("Option %(letter)s") % {"letter": x} for x in LETTERS})
    return labels


@dataclass
class QuestionRow:
    line: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # what question_save takes (ids for the tags)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("|", SEPARATOR).split(SEPARATOR) if part.strip()]


def check_rows(rows: Rows, *, competencies: dict[str, int], modules: dict[str, list[int]]) -> list[QuestionRow]:
    """``competencies``: lower-cased code or title → id; ``modules``: lower-cased "year · title" and
    title → ids (a title used in two programmes is ambiguous without its year)."""
    from lentera.assessment.services import _answer_key

    labels = column_labels()
    checked = []
    for line, values in rows:
        row = QuestionRow(line=line, values=values)
        kind = KINDS.get(values["kind"].strip().lower())
        if kind is None:
            row.errors.append(
                (
                    labels["kind"],
                    _("Unknown type “%(value)s”. Use single, multiple, true_false or short.")
                    % {"value": values["kind"]},
                )
            )
        if not values["text"].strip():
            row.errors.append((labels["text"], _("The question is empty.")))
        difficulty = DIFFICULTIES.get(values["difficulty"].strip().lower())
        if difficulty is None:
            row.errors.append(
                (
                    labels["difficulty"],
                    _("Unknown difficulty “%(value)s”. Use easy, medium or hard.") % {"value": values["difficulty"]},
                )
            )
        competency_ids = []
        for name in _split(values["competencies"]):
            pk = competencies.get(name.lower())
            if pk is None:
                row.errors.append((labels["competencies"], _("Unknown competency “%(value)s”.") % {"value": name}))
            else:
                competency_ids.append(pk)
        module_ids = []
        for name in _split(values["modules"]):
            found = modules.get(name.lower(), [])
            if len(found) != 1:
                message = (
                    _("Unknown module “%(value)s”.")
                    if not found
                    else _("“%(value)s” names modules of several programmes; write it as “year · title”.")
                )
                row.errors.append((labels["modules"], message % {"value": name}))
            else:
                module_ids.append(found[0])
        key = values["key"].strip()
        options = [(values[f"option_{x.lower()}"], False) for x in LETTERS]
        true_answer, accepted = None, []
        if kind in ("single", "multiple"):
            letters = [part.upper() for part in _split(key.replace(",", SEPARATOR))]
            bad = [letter for letter in letters if letter not in LETTERS or not values[f"option_{letter.lower()}"]]
            if not letters or bad:
                row.errors.append((labels["key"], _("Give the letter(s) of the correct option(s), e.g. B or A; C.")))
            options = [(values[f"option_{x.lower()}"], x in letters) for x in LETTERS]
            for x in LETTERS:
                if len(values[f"option_{x.lower()}"].strip()) > OPTION_MAX_LENGTH:
                    row.errors.append(
                        (
                            labels[f"option_{x.lower()}"],
                            _("Too long: at most %(limit)s characters.") % {"limit": OPTION_MAX_LENGTH},
                        )
                    )
        elif kind == "true_false":
            word = key.lower()
            true_answer = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        elif kind == "short":
            accepted = _split(key)
        if kind and not row.errors:
            try:
                kept, _accepted = _answer_key(kind, options, accepted, true_answer)
            except ValidationError as error:
                for messages in error.message_dict.values():
                    row.errors.extend((labels["key"], message) for message in messages)
        if not row.errors:
            row.data = {
                "kind": kind,
                "text": values["text"].strip(),
                "explanation": values["explanation"].strip(),
                "difficulty": difficulty,
                "options": [list(o) for o in options if o[0].strip()],
                "accepted_answers": accepted,
                "true_answer": true_answer,
                "competency_ids": competency_ids,
                "module_ids": module_ids,
            }
        checked.append(row)
    return checked


def export_xlsx(questions: list[Any]) -> bytes:
    """The questions, one per row, in the columns the import reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = _("Questions")[:31]
    xlsx.append(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for q in questions:
        choices = list(q.choices.all())
        option_texts = [c.text for c in choices] if q.kind in ("single", "multiple") else []
        option_texts += [""] * (len(LETTERS) - len(option_texts))
        if q.kind in ("single", "multiple"):
            key = "; ".join(LETTERS[c.order] for c in choices if c.is_correct)
        elif q.kind == "true_false":
            key = "benar" if choices and choices[0].is_correct else "salah"
        else:
            key = " | ".join(q.accepted_answers)
        xlsx.append(
            sheet,
            [
                q.kind,
                q.text,
                *option_texts,
                key,
                q.difficulty,
                "; ".join(c.code or c.title for c in q.competencies.all()),
                "; ".join(f"{m.programme.year} · {m.title}" for m in q.modules.all()),
                q.explanation,
            ],
        )
    for column, width in zip("ABCDEFGHIJKLMN", (12, 60, 22, 22, 22, 22, 22, 22, 10, 10, 30, 34, 40), strict=False):
        sheet.column_dimensions[column].width = width
    return xlsx.to_bytes(book)


def template_xlsx() -> bytes:
    """An empty sheet with one example of each question type and a sheet of instructions."""
    from openpyxl import load_workbook

    examples = [
        [
            "single",
            "Nomor kelas DDC untuk ilmu komputer adalah …",
            "004",
            "020",
            "900",
            "",
            "",
            "",
            "A",
            "easy",
            "",
            "",
            "004 termasuk kelas 000 (Karya umum dan ilmu komputer).",
        ],
        [
            "multiple",
            "Manakah perangkat lunak otomasi perpustakaan?",
            "SLiMS",
            "INLISLite",
            "Microsoft Excel",
            "",
            "",
            "",
            "A; B",
            "medium",
            "",
            "",
            "",
        ],
        [
            "true_false",
            "DDC membagi pengetahuan ke dalam sepuluh kelas utama.",
            "",
            "",
            "",
            "",
            "",
            "",
            "benar",
            "easy",
            "",
            "",
            "",
        ],
        [
            "short",
            "Kepanjangan dari DDC adalah …",
            "",
            "",
            "",
            "",
            "",
            "",
            "Dewey Decimal Classification | Klasifikasi Desimal Dewey",
            "medium",
            "",
            "",
            "",
        ],
    ]
    book = load_workbook(BytesIO(export_xlsx([])))
    sheet = book.active
    assert sheet is not None  # noqa: S101 - the export always has its sheet
    for row in examples:
        xlsx.append(sheet, row)
    notes = book.create_sheet(_("How to fill in")[:31])
    for line in (
        _("Jenis: single (one correct option), multiple (several), true_false, or short (short answer)."),
        _("Pilihan A–F: the options of single and multiple questions."),
        _(
            "Kunci: the letter(s) of the correct options (A; C), benar or salah, or the accepted answers "
            "separated by |."
        ),
        _(
            "Tingkat: easy, medium or hard. Kompetensi and Modul: names or codes separated by ; "
            "(a module as “year · title” when two programmes have it)."
        ),
    ):
        xlsx.append(notes, [line])
    notes.column_dimensions["A"].width = 120
    return xlsx.to_bytes(book)
