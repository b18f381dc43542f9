"""Reading and checking a participant list (Excel .xlsx or CSV) before it is enrolled.

Nothing is written here: ``read_rows`` turns a file into rows, ``check_rows`` says for each row
whether it is a new person, an existing one (matched by email or NIP), already in the cohort,
or wrong, naming the row and column of every problem in Indonesian (through gettext).

Lists as offices send them: headers as people write them ("Nama Lengkap", "No. HP", "NIP/NIK"),
functional levels as staff write them ("Pustakawan Ahli Muda"). What is probably wrong but not
blocking is a warning on its row and column: text Excel garbled ("??rya", or mojibake such as
"PerpustakaÃ¡n", repaired), a NIK where a NIP goes, a person already in an overlapping cohort.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import ftfy
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lentera.lib.spreadsheet import SpreadsheetError, read_table

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

# canonical column -> accepted header spellings; compared without case, accents, dots, dashes,
# slashes or spaces (lib.spreadsheet.header_key), so "No. HP", "NO HP" and "no.hp" are one spelling
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "nama",
        "nama lengkap",
        "nama peserta",
        "nama pegawai",
        "nama lengkap dan gelar",
        "nama lengkap (dengan gelar)",
        "nama dan gelar",
        "name",
        "full name",
    ),
    "email": ("email", "surel", "alamat email", "email aktif", "alamat surel", "e-mail address"),
    # a NIK in a "NIP/NIK" column is recognised by its 16 digits and left out (check_rows)
    "nip": ("nip", "nip/nik", "nip/nrp", "nip baru", "nomor induk pegawai"),
    "work_unit": (
        "unit kerja",
        "work unit",
        "unit",
        "satuan kerja",
        "satker",
        "instansi",
        "asal instansi",
        "unit kerja/instansi",
        "bagian",
        "bidang",
    ),
    "functional_level": (
        "jabatan fungsional",
        "jabatan",
        "jenjang jabatan",
        "jenjang jabatan fungsional",
        "jabatan fungsional pustakawan",
        "jenjang",
        "functional level",
        "level",
    ),
    "phone": (
        "telepon",
        "telp",
        "no telp",
        "no telepon",
        "nomor telepon",
        "no hp",
        "nomor hp",
        "hp",
        "no hp/wa",
        "no wa",
        "nomor wa",
        "whatsapp",
        "no whatsapp",
        "nomor whatsapp",
        "wa",
        "telepon/wa",
        "phone",
    ),
}
REQUIRED = ("name",)
NIP_RE = re.compile(r"^\d{18}$")
NIK_RE = re.compile(r"^\d{16}$")
TEXT_COLUMNS = ("name", "work_unit")  # typed text that Excel may have garbled
# words staff put around a level's name: "Pustakawan Ahli Muda (III/c)" is the level "Ahli Muda"
LEVEL_NOISE = re.compile(r"\([^)]*\)|\bpustakawan\b|\bjabatan\b|\bfungsional\b|\bjf\b")
LIMITS = {"name": 150, "email": 254, "work_unit": 150, "functional_level": 60, "phone": 20}
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{7,18}$")


def column_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "email": _("Email"),
        "nip": _("NIP"),
        "work_unit": _("Work unit"),
        "functional_level": _("Functional level"),
        "phone": _("Phone"),
    }


ImportFileError = SpreadsheetError  # the file as a whole cannot be read


@dataclass
class RowCheck:
    line: int  # the row number as the spreadsheet shows it
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, message): shown, not blocking
    outcome: str = "new"  # new | existing | enrolled | error
    user_id: int | None = None
    level_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_rows(upload: Any) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The canonical columns present and the data rows (with their spreadsheet line numbers)."""
    labels = column_labels()
    return read_table(
        upload, columns=COLUMNS, required={c: labels[c] for c in REQUIRED}, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
    )


def level_key(name: str) -> str:
    """A functional level as staff write it, reduced to compare with the levels' names:
    "Pustakawan Ahli Muda", "ahli muda" and "Ahli Muda (III/c)" are "ahlimuda"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^0-9a-z]+", "", LEVEL_NOISE.sub(" ", text))


def _text_warnings(values: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """Text Excel garbled: mojibake is repaired (and said so), a "?" or "\ufffd" for a letter is shown."""
    warnings = []
    for column in TEXT_COLUMNS:
        value = values[column]
        if not value:
            continue
        repaired = ftfy.fix_encoding(value)
        if repaired != value:
            warnings.append(
                (
                    labels[column],
                    _(
                        "“%(value)s” was garbled by a wrong character encoding; it will be imported as "
                        "“%(repaired)s”. Check it, or correct the file and upload it again."
                    )
                    % {"value": value, "repaired": repaired},
                )
            )
            values[column] = value = repaired
        if "?" in value or "\ufffd" in value:
            warnings.append(
                (
                    labels[column],
                    _(
                        "“%(value)s” has “?” where a letter should be: Excel writes it for letters it could not "
                        "save. Type it again in the file and upload it again, or correct it after the import."
                    )
                    % {"value": value},
                )
            )
    return warnings


def _overlap_warning(person: str, cohort: str, starts_on: date, ends_on: date) -> str:
    return _(
        "%(name)s is already in the cohort “%(cohort)s” (%(starts)s – %(ends)s), whose dates overlap this cohort's."
    ) % {
        "name": person,
        "cohort": cohort,
        "starts": date_format(starts_on, "j M Y"),
        "ends": date_format(ends_on, "j M Y"),
    }


def check_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    levels: dict[str, int],
    level_names: list[str] | None = None,
    users_by_email: dict[str, int],
    users_by_nip: dict[str, int],
    enrolled_user_ids: set[int],
    overlaps: dict[int, list[tuple[str, date, date]]] | None = None,
) -> list[RowCheck]:
    """Check every row; lookups of existing people are passed in (the caller reads them in bulk).

    ``levels`` maps the levels' names (lower case) to their ids; ``overlaps`` maps a person to the
    other cohorts they are in whose dates overlap this one (name, first and last day).
    """
    labels = column_labels()
    by_level_key: dict[str, int] = {}
    for level_name, level_pk in levels.items():
        if level_key(level_name):
            by_level_key.setdefault(level_key(level_name), level_pk)
    checks: list[RowCheck] = []
    seen_email: dict[str, int] = {}
    seen_nip: dict[str, int] = {}
    seen_person: dict[int, int] = {}
    for line, values in rows:
        check = RowCheck(line=line, values=values)
        check.warnings = _text_warnings(values, labels)
        name, email, nip = values["name"], values["email"].lower(), values["nip"].replace(" ", "")
        if NIK_RE.match(nip):
            check.warnings.append(
                (
                    labels["nip"],
                    _("“%(value)s” has 16 digits: a NIK, not a NIP. Lentera keeps no NIK, so it is left out.")
                    % {"value": nip},
                )
            )
            nip = ""
        values["email"], values["nip"] = email, nip
        if not name:
            check.errors.append((labels["name"], _("The name is empty.")))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.errors.append(
                    (labels["email"], _("“%(value)s” is not a valid email address.") % {"value": email})
                )
            else:
                if email in seen_email:
                    check.errors.append(
                        (labels["email"], _("The same email is already in row %(row)s.") % {"row": seen_email[email]})
                    )
                seen_email.setdefault(email, line)
        if nip:
            if "e+" in nip.lower():
                check.errors.append(
                    (
                        labels["nip"],
                        _(
                            "Excel stored this NIP as a number and lost its last digits. Format the NIP column as Text "
                            "and type the NIP again."
                        ),
                    )
                )
            elif not NIP_RE.match(nip):
                check.errors.append(
                    (labels["nip"], _("A NIP has exactly 18 digits; “%(value)s” does not.") % {"value": nip})
                )
            elif nip in seen_nip:
                check.errors.append(
                    (
                        labels["nip"],
                        _("Duplicate NIP: the same NIP is already in row %(row)s.") % {"row": seen_nip[nip]},
                    )
                )
            seen_nip.setdefault(nip, line)
        if values["functional_level"]:
            level = levels.get(values["functional_level"].strip().lower())
            if level is None:
                level = by_level_key.get(level_key(values["functional_level"]) or "-")
            if level is None:
                check.errors.append(
                    (
                        labels["functional_level"],
                        _("Unknown functional level “%(value)s”. Use one of: %(levels)s.")
                        % {"value": values["functional_level"], "levels": ", ".join(level_names or sorted(levels))},
                    )
                )
            check.level_id = level
        if values["phone"] and not PHONE_RE.match(values["phone"]):
            check.errors.append((labels["phone"], _("“%(value)s” is not a phone number.") % {"value": values["phone"]}))
        if not email and not nip:
            check.errors.append((labels["email"], _("Give an email or a NIP, so the person can be recognised.")))
        for column, limit in LIMITS.items():
            if len(values[column]) > limit:
                check.errors.append((labels[column], _("Too long: at most %(limit)s characters.") % {"limit": limit}))
        by_email = users_by_email.get(email) if email else None
        by_nip = users_by_nip.get(nip) if nip else None
        if by_email and by_nip and by_email != by_nip:
            check.errors.append(
                (labels["nip"], _("This NIP belongs to a different person from the one with this email."))
            )
        check.user_id = by_email or by_nip
        if check.user_id and check.user_id in seen_person:
            check.errors.append(
                (labels["name"], _("The same person is already in row %(row)s.") % {"row": seen_person[check.user_id]})
            )
        elif check.user_id:
            seen_person[check.user_id] = line
        if check.errors:
            check.outcome = "error"
        elif check.user_id and check.user_id in enrolled_user_ids:
            check.outcome = "enrolled"
        elif check.user_id:
            check.outcome = "existing"
            check.warnings += [
                (labels["name"], _overlap_warning(name, *other)) for other in (overlaps or {}).get(check.user_id, [])
            ]
        checks.append(check)
    return checks
