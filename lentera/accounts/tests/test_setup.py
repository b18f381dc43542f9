"""A new library with all it needs (accounts/setup.py) and ``manage.py lentera_setup``."""

from __future__ import annotations

import builtins
import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from lentera.accounts import services, setup, signin_codes
from lentera.accounts.models import AuditEntry, Library, Membership, Role, SignInCode, User
from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory
from lentera.evaluation.models import FeedbackForm
from lentera.evaluation.ready_forms import READY_FORMS
from lentera.lib.ratelimit import SHARED_CACHE

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 2 March 2026, 09:00 in Jakarta
SITE = "https://lentera.pasuruankota.go.id"
PASURUAN: dict[str, Any] = {
    "name": "Perpustakaan Kota Pasuruan",
    "city": "Kota Pasuruan",
    "kecamatan": ["Bugul Kidul", "Gadingrejo", "Panggungrejo", "Purworejo"],
    "population": 210_000,
    "coordinator_name": "Dewi Kartikasari",
    "coordinator_email": "Dewi@Example.org",
}
OPTIONS = [
    "--library",
    "Perpustakaan Kota Pasuruan",
    "--city",
    "Kota Pasuruan",
    "--kecamatan",
    "Bugul Kidul,Gadingrejo,Panggungrejo,Purworejo",
    "--population",
    "210000",
    "--coordinator-name",
    "Dewi Kartikasari",
    "--coordinator-email",
    "dewi@example.org",
    "--coordinator-username",
    "dewi",
]


def link_code(text: str) -> str:
    match = re.search(r"/akun/undangan/([0-9A-Z]+)/", text)
    assert match, text
    return match.group(1)


def nothing_written() -> None:
    assert not Library.objects.exists()
    assert not User.objects.exists()
    assert not FeedbackForm.objects.exists()
    assert not SignInCode.objects.exists()
    assert not AuditEntry.objects.exists()


# The service -------------------------------------------------------------------------------------


class TestLibrarySetup:
    def test_a_library_with_its_forms_and_coordinator_who_can_choose_a_password(self) -> None:
        with time_machine.travel(NOW, tick=False):
            result = setup.library_setup(actor=None, base_url=SITE, **PASURUAN)
        library = Library.objects.get()
        assert result.library == library
        assert (library.name, library.slug, library.city) == (
            "Perpustakaan Kota Pasuruan",
            "perpustakaan-kota-pasuruan",
            "Kota Pasuruan",
        )
        assert library.kecamatan == PASURUAN["kecamatan"] and library.population == 210_000
        assert library.province == ""  # left for the library settings
        # the ready-made Indonesian forms: without them no feedback round ever opens
        forms = FeedbackForm.objects.filter(library=library)
        assert sorted(forms.values_list("title", flat=True)) == sorted(spec["title"] for spec in READY_FORMS)
        assert {"session", "instructor", "cohort", "follow_up"} <= set(forms.values_list("kind", flat=True))
        assert [(done.starter.key, done.count) for done in result.started] == [
            ("evaluation.ready_forms", len(READY_FORMS))
        ]
        # the coordinator: a new person without a password, coordinator of this library only
        person = result.coordinator
        assert (person.full_name, person.email, person.username) == ("Dewi Kartikasari", "dewi@example.org", "dewi")
        assert not person.has_usable_password() and not result.existing_person
        assert list(Membership.objects.filter(user=person).values_list("library", "role", "is_active")) == [
            (library.pk, Role.COORDINATOR, True)
        ]
        # the one-time way in, shown to whoever set the library up
        assert result.link == f"{SITE}/akun/undangan/{result.code}/"
        found = services.signin_code_check(code=result.code, now=NOW)
        assert found is not None and found.user == person and found.library == library
        assert found.channel == SignInCode.Channel.SHEET
        assert result.expires == date(2026, 3, 9)  # SIGNIN_CODE_DAYS = 7
        assert result.emailed
        entry = AuditEntry.objects.get(action="library.create")
        assert entry.library == library and entry.actor is None
        assert entry.changes["name"] == [None, "Perpustakaan Kota Pasuruan"]

    def test_the_invitation_email_is_queued_and_its_link_works_too(
        self, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            result = setup.library_setup(actor=None, base_url=SITE, **PASURUAN)
        (message,) = mail.outbox
        assert message.to == ["dewi@example.org"] and "Perpustakaan Kota Pasuruan" in message.subject
        assert f"{SITE}/akun/undangan/" in message.body and "dewi" in message.body
        emailed = services.signin_code_check(code=link_code(message.body))
        assert emailed is not None and emailed.channel == SignInCode.Channel.EMAIL
        # the emailed link replaces no other channel's code: the one shown at setup still works
        assert services.signin_code_check(code=result.code) is not None

    def test_without_an_email_address_nothing_is_queued(
        self, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            result = setup.library_setup(actor=None, base_url=SITE, **{**PASURUAN, "coordinator_email": ""})
        assert not result.emailed and not mail.outbox
        assert result.coordinator.username == "dewi.kartikasari"  # from the name
        assert services.signin_code_check(code=result.code) is not None

    def test_a_refused_person_leaves_nothing_behind(self) -> None:
        UserFactory(username="dewi")
        before = User.objects.count()
        with pytest.raises(ValidationError) as refused:
            setup.library_setup(actor=None, base_url=SITE, **PASURUAN, coordinator_username="Dewi")
        assert refused.value.message_dict == {"coordinator_username": [gettext("This username is taken.")]}
        assert not Library.objects.exists() and not FeedbackForm.objects.exists()
        assert User.objects.count() == before and not SignInCode.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_a_failing_starter_leaves_nothing_behind(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def broken(*, actor: Any, library: Library) -> int:
            raise RuntimeError("disk full")

        starters = {**setup._STARTERS}
        starters["test.broken"] = setup.LibraryStarter(key="test.broken", name="broken", label="broken", run=broken)
        monkeypatch.setattr(setup, "_STARTERS", starters)
        with pytest.raises(RuntimeError):
            setup.library_setup(actor=None, base_url=SITE, **PASURUAN)
        nothing_written()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"name": "perpustakaan kota PASURUAN"}, "name"),  # the same name, whatever the case
            ({"kecamatan": ["Gadingrejo", "gadingrejo"]}, "kecamatan"),
            ({"population": 0}, "population"),
            ({"city": ""}, "city"),
            ({"coordinator_name": "  "}, "coordinator_name"),
            ({"coordinator_email": "bukan-alamat"}, "coordinator_email"),
        ],
    )
    def test_each_refusal_names_its_field_and_keeps_what_was_there(self, change: dict[str, Any], field: str) -> None:
        LibraryFactory(name="Perpustakaan Kota Pasuruan")
        counts = (Library.objects.count(), User.objects.count(), FeedbackForm.objects.count())
        values = {**PASURUAN, "name": "Perpustakaan Kabupaten Pasuruan", **change}
        with pytest.raises(ValidationError) as refused:
            setup.library_setup(actor=None, base_url=SITE, **values)
        assert field in refused.value.message_dict
        assert (Library.objects.count(), User.objects.count(), FeedbackForm.objects.count()) == counts

    def test_the_first_only_refuses_when_a_library_exists(self) -> None:
        LibraryFactory()
        with pytest.raises(setup.SetupClosed):
            setup.library_setup(actor=None, base_url=SITE, only_if_first=True, **PASURUAN)
        assert Library.objects.count() == 1

    def test_another_library_can_have_someone_who_is_already_in_lentera(self) -> None:
        first = LibraryFactory(name="Dinas Perpustakaan Provinsi")
        dewi = UserFactory(username="dewi.k", full_name="Dewi Kartikasari", email="dewi@example.org")
        MembershipFactory(user=dewi, library=first, role=Role.COORDINATOR)
        User.objects.filter(pk=dewi.pk).update(last_login=NOW)
        result = setup.library_setup(actor=None, base_url=SITE, **PASURUAN)
        assert result.coordinator == dewi and result.existing_person
        assert Membership.objects.filter(user=dewi, library=result.library, role=Role.COORDINATOR).exists()
        # signed in before: she uses her own password, no code is made for her
        assert (result.code, result.link, result.emailed) == ("", "", False)
        assert not SignInCode.objects.exists()

    def test_an_existing_person_with_another_username_is_refused(self) -> None:
        UserFactory(username="dewi.k", email="dewi@example.org")
        with pytest.raises(ValidationError) as refused:
            setup.library_setup(actor=None, base_url=SITE, **PASURUAN, coordinator_username="dewi")
        assert "dewi.k" in refused.value.message_dict["coordinator_username"][0]
        assert not Library.objects.exists()

    def test_slugs_and_usernames_are_made_free(self) -> None:
        LibraryFactory(name="Perpustakaan Kota Pasuruan (lama)", slug="perpustakaan-kota-pasuruan")
        UserFactory(username="dewi")
        result = setup.library_setup(actor=None, base_url=SITE, **PASURUAN)
        assert result.library.slug == "perpustakaan-kota-pasuruan-2"
        assert result.coordinator.username == "dewi-2"

    def test_the_demo_details_can_be_given_but_nothing_else(self) -> None:
        created = setup.library_create(actor=None, name="Perpustakaan Uji", city="Kota Uji", head_name="Budi")
        assert created.library.head_name == "Budi"
        with pytest.raises(ValueError, match="slug_typo"):
            setup.library_create(actor=None, name="Perpustakaan Lain", city="Kota Uji", slug_typo="x")

    def test_kecamatan_are_read_from_commas_or_lines(self) -> None:
        assert setup.kecamatan_split("Bugul Kidul, Gadingrejo,\nPanggungrejo;;Purworejo\n") == [
            "Bugul Kidul",
            "Gadingrejo",
            "Panggungrejo",
            "Purworejo",
        ]
        assert setup.kecamatan_split("") == []


class TestSetupToken:
    def test_only_a_keyed_hash_is_kept_and_the_token_reads_as_typed(self) -> None:
        token = setup.setup_token_issue()
        assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", token)
        stored = caches[SHARED_CACHE].get(setup._TOKEN_KEY)
        assert stored and token.replace("-", "") not in stored and len(stored) == 64
        assert setup.setup_token_check(token)
        assert setup.setup_token_check(token.replace("-", " ").lower())
        assert not setup.setup_token_check(token[:-1] + ("0" if token[-1] != "0" else "1"))
        assert not setup.setup_token_check("")

    def test_a_new_token_replaces_the_old_one(self) -> None:
        old = setup.setup_token_issue()
        new = setup.setup_token_issue()
        assert setup.setup_token_check(new) and not setup.setup_token_check(old)

    def test_the_token_is_made_once_and_written_to_the_log(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="lentera.accounts.setup"):
            assert setup.setup_token_ensure(page_url=f"{SITE}/pasang/")
            assert not setup.setup_token_ensure(page_url=f"{SITE}/pasang/")
        (record,) = caplog.records
        assert record.levelno == logging.WARNING and f"{SITE}/pasang/" in record.getMessage()
        token = re.search(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", record.getMessage())
        assert token and setup.setup_token_check(token.group(0))

    def test_the_token_expires_after_a_day(self) -> None:
        with time_machine.travel(NOW, tick=False):
            token = setup.setup_token_issue()
        with time_machine.travel(NOW + timedelta(hours=23), tick=False):
            assert setup.setup_token_check(token)
        with time_machine.travel(NOW + timedelta(hours=24, seconds=1), tick=False):
            assert not setup.setup_token_check(token)
            assert setup.setup_token_ensure(page_url="/pasang/")  # a new one is made on the next need

    def test_setting_up_uses_the_token_up(self) -> None:
        token = setup.setup_token_issue()
        setup.first_run_setup(token=token, base_url=SITE, **PASURUAN)
        assert not setup.setup_token_check(token)
        with pytest.raises(setup.SetupClosed):
            setup.first_run_setup(token=token, base_url=SITE, **{**PASURUAN, "name": "Perpustakaan Lain"})
        assert Library.objects.count() == 1

    def test_a_refused_setup_keeps_the_token(self) -> None:
        token = setup.setup_token_issue()
        with pytest.raises(ValidationError):
            setup.first_run_setup(token=token, base_url=SITE, **{**PASURUAN, "population": 0})
        assert setup.setup_token_check(token)
        nothing_written()

    def test_a_wrong_token_writes_nothing(self) -> None:
        setup.setup_token_issue()
        with pytest.raises(ValidationError) as refused:
            setup.first_run_setup(token="ABCD-EFGH-JKMN-PQRS", base_url=SITE, **PASURUAN)
        assert list(refused.value.message_dict) == ["token"]
        nothing_written()


# The command -------------------------------------------------------------------------------------


def run(*args: str) -> str:
    """The command's output, in English (the messages are matched; Indonesian comes from the catalogue)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("lentera_setup", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def site(settings: Any) -> str:
    settings.SITE_URL = SITE
    return SITE


class Answers:
    """What the person types at each prompt, in order (then Ctrl-D); the prompts shown are kept."""

    def __init__(self) -> None:
        self.given: list[str] = []
        self.asked: list[str] = []

    def __call__(self, prompt: str = "") -> str:
        self.asked.append(prompt)
        if not self.given:
            raise EOFError
        return self.given.pop(0)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    typed = Answers()
    monkeypatch.setattr(builtins, "input", typed)
    yield typed


class TestCommand:
    def test_with_every_option_it_sets_up_and_prints_the_link(
        self, site: str, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            out = run(*OPTIONS, "--no-input")
        library = Library.objects.get()
        assert library.name == "Perpustakaan Kota Pasuruan" and library.population == 210_000
        assert library.kecamatan == ["Bugul Kidul", "Gadingrejo", "Panggungrejo", "Purworejo"]
        assert FeedbackForm.objects.filter(library=library).count() == len(READY_FORMS)
        dewi = User.objects.get(username="dewi")
        assert Membership.objects.filter(user=dewi, library=library, role=Role.COORDINATOR).exists()
        code = link_code(out)
        assert f"{SITE}/akun/undangan/{code}/" in out
        assert signin_codes.display(code) in out  # the same code, to type on the login page
        assert services.signin_code_check(code=code) is not None
        assert "invitation email to dewi@example.org was queued" in out
        assert mail.outbox[0].to == ["dewi@example.org"]  # ...and the worker sent it

    def test_site_url_is_needed(self, settings: Any) -> None:
        settings.SITE_URL = ""
        with pytest.raises(CommandError, match="SITE_URL") as refused:
            run(*OPTIONS, "--no-input")
        assert refused.value.returncode == 1
        nothing_written()

    def test_site_url_can_be_given(self, settings: Any) -> None:
        settings.SITE_URL = ""
        out = run(*OPTIONS, "--no-input", "--site-url", "http://192.168.1.20:8080/")
        assert "http://192.168.1.20:8080/akun/undangan/" in out

    def test_a_site_url_that_is_no_address_is_refused(self, settings: Any) -> None:
        with pytest.raises(CommandError, match="lentera pasuruan"):
            run(*OPTIONS, "--no-input", "--site-url", "lentera pasuruan")
        nothing_written()

    def test_running_it_again_changes_nothing(self, site: str) -> None:
        run(*OPTIONS, "--no-input")
        counts = (Library.objects.count(), User.objects.count(), SignInCode.objects.count())
        again = [*OPTIONS]
        again[again.index("Perpustakaan Kota Pasuruan")] = "Perpustakaan Kabupaten Pasuruan"
        with pytest.raises(CommandError, match="--add-library") as refused:
            run(*again, "--no-input")
        assert refused.value.returncode == 1
        assert (Library.objects.count(), User.objects.count(), SignInCode.objects.count()) == counts

    def test_add_library_adds_another_but_never_the_same_name(self, site: str) -> None:
        run(*OPTIONS, "--no-input")
        with pytest.raises(CommandError, match="Perpustakaan Kota Pasuruan"):
            run(*OPTIONS, "--no-input", "--add-library")
        assert Library.objects.count() == 1
        out = run(
            "--library",
            "Perpustakaan Kabupaten Pasuruan",
            "--city",
            "Kabupaten Pasuruan",
            "--coordinator-name",
            "Rudi Hartono",
            "--add-library",
            "--no-input",
        )
        assert Library.objects.count() == 2
        second = Library.objects.get(name="Perpustakaan Kabupaten Pasuruan")
        assert FeedbackForm.objects.filter(library=second).count() == len(READY_FORMS)
        rudi = User.objects.get(full_name="Rudi Hartono")
        assert rudi.username == "rudi.hartono" and "rudi.hartono" in out
        assert not rudi.email and "was queued" not in out  # nothing to email

    def test_missing_options_without_input_are_named(self, site: str) -> None:
        with pytest.raises(CommandError) as refused:
            run("--library", "Perpustakaan Kota Pasuruan", "--no-input")
        assert "--city" in str(refused.value) and "--coordinator-name" in str(refused.value)
        assert refused.value.returncode == 1
        nothing_written()

    def test_a_refused_value_names_its_option_and_saves_nothing(self, site: str) -> None:
        UserFactory(username="dewi")
        before = User.objects.count()
        with pytest.raises(CommandError, match="--coordinator-username") as refused:
            run(*OPTIONS, "--no-input")
        assert refused.value.returncode == 1
        assert not Library.objects.exists() and User.objects.count() == before

    def test_a_bad_email_option_is_refused(self, site: str) -> None:
        options = [*OPTIONS]
        options[options.index("dewi@example.org")] = "dewi-at-example"
        with pytest.raises(CommandError, match="--coordinator-email"):
            run(*options, "--no-input")
        nothing_written()

    def test_it_asks_for_what_is_missing(self, site: str, answers: Answers) -> None:
        answers.given += [
            "Perpustakaan Kota Pasuruan",
            "",  # the city is needed: asked again
            "Kota Pasuruan",
            "Jawa Timur",
            "Bugul Kidul, Gadingrejo, Panggungrejo, Purworejo",
            "banyak",  # not a number: asked again
            "210.000",
            "Dewi Kartikasari",
            "dewi@",  # not an address: asked again
            "dewi@example.org",
            "",  # the suggested username
        ]
        out = run()
        library = Library.objects.get()
        assert (library.city, library.province, library.population) == ("Kota Pasuruan", "Jawa Timur", 210_000)
        assert library.kecamatan == ["Bugul Kidul", "Gadingrejo", "Panggungrejo", "Purworejo"]
        assert User.objects.get(email="dewi@example.org").username == "dewi"
        asked = answers.asked
        assert len(asked) == 11 and asked[1] == asked[2] and asked[5] == asked[6] and asked[8] == asked[9]
        assert "[dewi]" in asked[-1]
        assert link_code(out)

    def test_it_asks_only_for_what_the_options_leave_out(self, site: str, answers: Answers) -> None:
        answers.given += ["", "", "", "dewi.k"]  # province, kecamatan, population, username
        run("--library", "Perpustakaan Kota Pasuruan", "--city", "Kota Pasuruan", "--coordinator-name", "Dewi K",
            "--coordinator-email", "dewi@example.org")  # fmt: skip
        assert len(answers.asked) == 4
        assert User.objects.get().username == "dewi.k"
        assert Library.objects.get().population is None

    def test_an_existing_name_is_refused_before_the_other_questions(self, site: str, answers: Answers) -> None:
        LibraryFactory(name="Perpustakaan Kota Pasuruan")
        answers.given += ["perpustakaan kota pasuruan"]
        with pytest.raises(CommandError, match="exists already"):
            run("--add-library")
        assert len(answers.asked) == 1
        assert Library.objects.count() == 1

    def test_stopping_the_questions_saves_nothing(self, site: str, answers: Answers) -> None:
        answers.given += ["Perpustakaan Kota Pasuruan", "Kota Pasuruan"]  # then Ctrl-D
        with pytest.raises(CommandError, match="nothing was saved"):
            run()
        nothing_written()

    def test_token_prints_a_working_token_and_the_page(self, site: str) -> None:
        out = run("--token")
        token = re.search(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", out)
        assert token and setup.setup_token_check(token.group(0))
        assert f"{SITE}/pasang/" in out
        assert not Library.objects.exists()

    def test_token_is_refused_once_a_library_exists(self, site: str) -> None:
        LibraryFactory()
        with pytest.raises(CommandError, match="--add-library") as refused:
            run("--token")
        assert refused.value.returncode == 1
        assert caches[SHARED_CACHE].get(setup._TOKEN_KEY) is None

    def test_new_link_lets_a_coordinator_whose_link_expired_in(self, site: str) -> None:
        with time_machine.travel(NOW, tick=False):
            first = link_code(run(*OPTIONS, "--no-input"))
        later = NOW + timedelta(days=30)  # the printed link lived 7 days, the emailed one 14
        with time_machine.travel(later, tick=False):
            assert services.signin_code_check(code=first) is None
            out = run("--new-link", "DEWI")
            code = link_code(out)
            found = services.signin_code_check(code=code)
        assert (
            found is not None and found.user.username == "dewi" and found.library.name == "Perpustakaan Kota Pasuruan"
        )
        assert f"{SITE}/akun/undangan/{code}/" in out and signin_codes.display(code) in out
        assert Library.objects.count() == 1  # nothing else changed

    def test_new_link_is_refused_for_someone_signed_in_or_unknown(self, site: str) -> None:
        run(*OPTIONS, "--no-input")
        with pytest.raises(CommandError, match="siapa"):
            run("--new-link", "siapa")
        User.objects.filter(username="dewi").update(last_login=NOW)
        codes = SignInCode.objects.count()
        with pytest.raises(CommandError, match="Forgot your password") as refused:
            run("--new-link", "dewi")
        assert refused.value.returncode == 1 and SignInCode.objects.count() == codes
