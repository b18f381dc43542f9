"""Reading and checking a participant list (Excel .xlsx or CSV) before it is enrolled.

Nothing is written here: ``read_rows`` turns a file into rows, ``check_rows`` says for each row
whether it is a new person, an existing one (matched by email or NIP), already in the cohort,
or wrong, naming the row and column of every problem in Indonesian (through gettext).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lentera.lib.spreadsheet import SpreadsheetError, read_table

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

# canonical column -> accepted header spellings (lower case, spaces collapsed)
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("nama", "nama lengkap", "name", "full name"),
    "email": ("email", "e-mail", "surel"),
    "nip": ("nip",),
    "work_unit": ("unit kerja", "work unit", "unit"),
    "functional_level": ("jabatan fungsional", "jabatan", "functional level", "level"),
    "phone": ("telepon", "no hp", "no. hp", "nomor hp", "whatsapp", "wa", "phone", "telepon/wa"),
}
REQUIRED = ("name",)
NIP_RE = re.compile(r"^\d{18}$")
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


def check_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    levels: dict[str, int],
    level_names: list[str] | None = None,
    users_by_email: dict[str, int],
    users_by_nip: dict[str, int],
    enrolled_user_ids: set[int],
) -> list[RowCheck]:
    """Check every row; lookups of existing people are passed in (the caller reads them in bulk)."""
    labels = column_labels()
    checks: list[RowCheck] = []
    seen_email: dict[str, int] = {}
    seen_nip: dict[str, int] = {}
    seen_person: dict[int, int] = {}
    for line, values in rows:
        check = RowCheck(line=line, values=values)
        name, email, nip = values["name"], values["email"].lower(), values["nip"].replace(" ", "")
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
        checks.append(check)
    return checks
