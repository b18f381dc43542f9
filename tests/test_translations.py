"""Every string the code uses has an Indonesian translation, and the compiled catalogue is current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lentera"
PO = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _extract_into_copy(tmp_path: Path) -> polib.POFile:
    """Run makemessages on a copy of the package, so the repository is never touched."""
    copy = tmp_path / "lentera"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "tests", "*.mo"))
    (tmp_path / "extract_settings.py").write_text("from lentera.settings import *  # noqa\nLOCALE_PATHS = []\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "id",
            "--no-obsolete",
            "--no-location",
            "--settings",
            "extract_settings",
        ],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))


def test_every_used_string_is_translated(tmp_path: Path) -> None:
    catalogue = _extract_into_copy(tmp_path)
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert len(catalogue) > 100, "extraction found suspiciously few strings"
    assert not missing, f"{len(missing)} strings have no Indonesian translation: {missing[:20]}"
    assert not fuzzy, f"fuzzy translations: {fuzzy[:20]}"


def test_compiled_catalogue_matches_the_source() -> None:
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(PO)) if e.translated()}
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO))}
    stale = [k[1] for k, e in source.items() if k not in compiled or compiled[k].msgstr != e.msgstr]
    assert not stale, f"django.mo is older than django.po; run `make messages`: {stale[:10]}"
