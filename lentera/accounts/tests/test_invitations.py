"""Invitations and one-time sign-in codes: people added by a coordinator or an import can sign in."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from lentera.accounts import services, signin_codes
from lentera.accounts.models import AuditEntry, Role, SignInCode, User
from lentera.accounts.tests.factories import LibraryFactory, MembershipFactory, UserFactory

WRONG_CODE = gettext_lazy("This code does not work. Check it, or ask your coordinator for a new one.")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 2 March 2026, 09:00 in Jakarta
NEW_PASSWORD = "Pustaka-Baru-2026"  # noqa: S105 - test value


def newcomer(library: Any, *, email: str = "", phone: str = "", role: str = Role.PARTICIPANT, **extra: Any) -> User:
    """A person of ``library`` who has never signed in (as the import makes them: no password)."""
    user = UserFactory(email=email, phone=phone, password=None, **extra)
    user.set_unusable_password()
    user.save()
    MembershipFactory(user=user, library=library, role=role)
    return user


def link_code(body: str) -> str:
    match = re.search(r"/akun/undangan/([0-9A-Z]+)/", body)
    assert match, body
    return match.group(1)


# Pure functions ----------------------------------------------------------------------------------


class TestCodes:
    def test_a_typed_code_is_read_the_way_people_type_it(self) -> None:
        assert signin_codes.normalise("abcd-efgh-jkmn") == "ABCDEFGHJKMN"
        assert signin_codes.normalise(" ABCD EFGH JKMN ") == "ABCDEFGHJKMN"
        assert signin_codes.normalise("OIL0-0000-0000") == "011000000000"  # O, I, L read as 0, 1, 1

    def test_what_cannot_be_a_code_is_empty(self) -> None:
        assert signin_codes.normalise("ABCD-EFGH-JKM") == ""  # too short
        assert signin_codes.normalise("ABCD-EFGH-JKMU") == ""  # U is not in the alphabet
        assert signin_codes.normalise("<script>alert(1)</script>") == ""

    def test_new_codes_use_the_alphabet_and_their_lengths(self) -> None:
        selector, verifier = signin_codes.new_code(signin_codes.SHEET_VERIFIER_LENGTH)
        assert len(selector) == 5 and len(verifier) == 7
        assert set(selector + verifier) <= set(signin_codes.ALPHABET)
        assert len(signin_codes.ALPHABET) == 32
        assert signin_codes.display(selector + verifier).count("-") == 2

    def test_only_a_keyed_hash_of_the_verifier_is_kept(self, settings: Any) -> None:
        first = signin_codes.verifier_hash("ABCDEFG")
        assert len(first) == 64 and "ABCDEFG" not in first
        settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
        assert signin_codes.verifier_hash("ABCDEFG") != first

    @pytest.mark.parametrize(
        ("phone", "number"),
        [
            ("0812 3456 7890", "6281234567890"),
            ("+62 812-3456-7890", "6281234567890"),
            ("6281234567890", "6281234567890"),
            ("812 3456 7890", "6281234567890"),
            ("(0343) 42 1234", "62343421234"),
            ("+61 412 345 678", "61412345678"),
            ("0812", ""),
            ("", ""),
        ],
    )
    def test_whatsapp_numbers_are_normalised_to_62(self, phone: str, number: str) -> None:
        assert signin_codes.whatsapp_number(phone) == number

    def test_the_whatsapp_link_carries_the_message(self) -> None:
        url = signin_codes.whatsapp_url("0812 3456 7890", "Halo Bu Sri & tim: https://x.id/a?b=1")
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
        assert parse_qs(parts.query)["text"] == ["Halo Bu Sri & tim: https://x.id/a?b=1"]
        assert signin_codes.whatsapp_url("", "x") == ""


# Services ----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSignInCodes:
    def test_a_code_is_returned_once_and_stored_as_selector_and_hash(self) -> None:
        library = LibraryFactory()
        person = newcomer(library)
        ((who, code),) = services.signin_codes_create(
            actor=None, library=library, users=[person], channel=SignInCode.Channel.SHEET, now=NOW
        )
        assert who == person and len(code) == 12
        stored = SignInCode.objects.get()
        assert stored.selector == code[:5] and code[5:] not in stored.verifier_hash
        assert stored.expires_at == NOW + timedelta(days=7)
        assert AuditEntry.objects.filter(action="signin_code.create", library=library).count() == 1

    def test_an_emailed_link_lives_longer_and_carries_a_longer_secret(self) -> None:
        library = LibraryFactory()
        ((_who, code),) = services.signin_codes_create(
            actor=None, library=library, users=[newcomer(library)], channel=SignInCode.Channel.EMAIL, now=NOW
        )
        assert len(code) == 32
        assert SignInCode.objects.get().expires_at == NOW + timedelta(days=14)

    def test_a_new_code_replaces_the_earlier_one_of_the_same_channel(self) -> None:
        library = LibraryFactory()
        person = newcomer(library)
        ((_p, first),) = services.signin_codes_create(
            actor=None, library=library, users=[person], channel=SignInCode.Channel.SHEET
        )
        ((_p, email),) = services.signin_codes_create(
            actor=None, library=library, users=[person], channel=SignInCode.Channel.EMAIL
        )
        ((_p, second),) = services.signin_codes_create(
            actor=None, library=library, users=[person], channel=SignInCode.Channel.SHEET
        )
        assert services.signin_code_check(code=first) is None
        assert services.signin_code_check(code=second) is not None
        assert services.signin_code_check(code=email) is not None  # another channel: still works

    def test_refuses_a_person_of_another_library(self) -> None:
        library, other = LibraryFactory(), LibraryFactory()
        with pytest.raises(ValidationError):
            services.signin_codes_create(
                actor=None, library=library, users=[newcomer(other)], channel=SignInCode.Channel.SHEET
            )
        assert not SignInCode.objects.exists()

    def test_refuses_a_person_who_has_signed_in(self) -> None:
        library = LibraryFactory()
        person = newcomer(library, last_login=NOW)
        with pytest.raises(ValidationError):
            services.signin_codes_create(actor=None, library=library, users=[person], channel="email")

    def test_a_code_works_once_and_then_every_code_of_the_person_stops(self) -> None:
        library = LibraryFactory()
        person = newcomer(library)
        ((_p, sheet),) = services.signin_codes_create(actor=None, library=library, users=[person], channel="sheet")
        ((_p, link),) = services.signin_codes_create(actor=None, library=library, users=[person], channel="email")
        user = services.signin_code_use(code=signin_codes.display(sheet).lower(), password=NEW_PASSWORD)
        assert user == person and User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)
        assert services.signin_code_check(code=sheet) is None
        assert services.signin_code_check(code=link) is None
        with pytest.raises(ValidationError):
            services.signin_code_use(code=sheet, password="Lain-lagi-2026")
        assert AuditEntry.objects.filter(action="signin_code.use", actor=person).count() == 1

    def test_an_expired_code_does_not_work(self) -> None:
        library = LibraryFactory()
        with time_machine.travel(NOW, tick=False):
            ((_p, code),) = services.signin_codes_create(
                actor=None, library=library, users=[newcomer(library)], channel="sheet"
            )
        with time_machine.travel(NOW + timedelta(days=7) - timedelta(seconds=1), tick=False):
            assert services.signin_code_check(code=code) is not None
        with time_machine.travel(NOW + timedelta(days=7), tick=False):
            assert services.signin_code_check(code=code) is None

    def test_wrong_secrets_are_counted_and_block_the_code(self) -> None:
        library = LibraryFactory()
        ((_p, code),) = services.signin_codes_create(
            actor=None, library=library, users=[newcomer(library)], channel="sheet"
        )
        selector, verifier = signin_codes.split(code)
        wrong = selector + ("0000000" if verifier != "0000000" else "1111111")
        for _ in range(9):
            assert services.signin_code_check(code=wrong) is None
        assert services.signin_code_check(code=code) is not None  # nine wrong tries: still works
        assert services.signin_code_check(code=wrong) is None
        assert SignInCode.objects.get().failed_attempts == 10
        assert services.signin_code_check(code=code) is None  # the tenth blocked it

    def test_a_wrong_try_stays_counted_when_setting_the_password_fails(self) -> None:
        library = LibraryFactory()
        ((_p, code),) = services.signin_codes_create(
            actor=None, library=library, users=[newcomer(library)], channel="sheet"
        )
        with pytest.raises(ValidationError):
            services.signin_code_use(code=code[:5] + "ZZZZZZZ", password=NEW_PASSWORD)
        assert SignInCode.objects.get().failed_attempts == 1


@pytest.mark.django_db
class TestInvitationEmails:
    def test_the_worker_emails_a_working_link_with_the_username(
        self, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        library = LibraryFactory(name="Perpustakaan Kota Pasuruan")
        person = newcomer(library, email="sri@contoh.id", username="sri.wahyuni")
        with django_capture_on_commit_callbacks(execute=True):
            queued = services.invitations_send(
                actor=None, library=library, user_ids=[person.pk], base_url="https://lentera.example"
            )
        assert queued == 1
        (message,) = mail.outbox
        assert message.to == ["sri@contoh.id"]
        assert "Perpustakaan Kota Pasuruan" in message.subject
        assert "https://lentera.example/akun/undangan/" in message.body and "sri.wahyuni" in message.body
        found = services.signin_code_check(code=link_code(message.body))
        assert found is not None and found.user == person and found.channel == SignInCode.Channel.EMAIL

    def test_nobody_without_an_address_or_who_signed_in_is_emailed(
        self, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        library = LibraryFactory()
        people = [newcomer(library), newcomer(library, email="aktif@contoh.id", last_login=NOW)]
        outsider = newcomer(LibraryFactory(), email="lain@contoh.id")
        with django_capture_on_commit_callbacks(execute=True):
            queued = services.invitations_send(
                actor=None, library=library, user_ids=[p.pk for p in [*people, outsider]]
            )
        assert queued == 0 and not mail.outbox and not SignInCode.objects.exists()

    def test_the_worker_looks_again_before_sending(self, django_capture_on_commit_callbacks: Any) -> None:
        from lentera.accounts.tasks import send_invitations

        library = LibraryFactory()
        person = newcomer(library, email="cepat@contoh.id")
        User.objects.filter(pk=person.pk).update(last_login=NOW)  # signed in before the worker came
        assert send_invitations.call(library.pk, [person.pk], None, "") == 0
        assert not mail.outbox


@pytest.mark.django_db
class TestImportInvites:
    def test_new_people_of_a_confirmed_import_are_invited_existing_ones_are_not(
        self, coordinator: Any, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        from lentera.delivery.tests.factories import CohortFactory

        cohort = CohortFactory(programme__library=coordinator.library, capacity=10)
        known = UserFactory(email="lama@contoh.id", last_login=NOW)
        book = Workbook()
        sheet = book.active
        sheet.append(["Nama", "Email", "NIP"])
        sheet.append(["Sri Wahyuni", "sri@contoh.id", ""])
        sheet.append(["Budi Santoso", "", "198501012010011002"])  # no email: a printed code instead
        sheet.append([known.full_name, known.email, ""])
        buffer = io.BytesIO()
        book.save(buffer)
        upload = SimpleUploadedFile("peserta.xlsx", buffer.getvalue())
        response = coordinator.client.post(reverse("delivery:roster_import_upload", args=[cohort.pk]), {"file": upload})
        assert response.status_code == 302
        from lentera.delivery.models import RosterImport

        with django_capture_on_commit_callbacks(execute=True):
            coordinator.client.post(reverse("delivery:roster_import_confirm", args=[RosterImport.objects.get().pk]))
        assert User.objects.filter(email="sri@contoh.id").exists()
        assert [m.to for m in mail.outbox] == [["sri@contoh.id"]]
        assert "http://testserver/akun/undangan/" in mail.outbox[0].body


# Views -------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPeopleList:
    def test_each_person_shows_their_sign_in_state_in_a_fixed_number_of_queries(
        self, coordinator: Any, django_assert_num_queries: Any
    ) -> None:
        library = coordinator.library
        never = newcomer(library, full_name="Ani Belum")
        invited = newcomer(library, full_name="Bayu Diundang")
        services.signin_codes_create(actor=None, library=library, users=[invited], channel="sheet")
        # invited in another library only: still "never signed in" here
        elsewhere = LibraryFactory()
        MembershipFactory(user=never, library=elsewhere)
        services.signin_codes_create(actor=None, library=elsewhere, users=[never], channel="sheet")
        coordinator.client.get(reverse("accounts:people"))  # warm the session
        with django_assert_num_queries(7):
            page = coordinator.client.get(reverse("accounts:people")).content.decode()
        states = dict(re.findall(r'<tr>\s*<td><a [^>]*>([^<]+)</a>.*?data-state="(\w+)"', page, re.S))
        assert states == {"Ani Belum": "never", "Bayu Diundang": "invited", "Coordinator A": "active"}
        for i in range(5):
            services.signin_codes_create(
                actor=None, library=library, users=[newcomer(library, full_name=f"Baru {i}")], channel="sheet"
            )
        with django_assert_num_queries(7):
            coordinator.client.get(reverse("accounts:people"))

    def test_the_cohort_roster_shows_the_states_too(self, coordinator: Any) -> None:
        from lentera.delivery.models import Enrolment
        from lentera.delivery.tests.factories import CohortFactory

        cohort = CohortFactory(programme__library=coordinator.library)
        for person in (newcomer(coordinator.library), newcomer(coordinator.library, last_login=NOW)):
            Enrolment.objects.create(library=cohort.library, cohort=cohort, user=person)
        page = coordinator.client.get(reverse("delivery:cohort_detail", args=[cohort.pk])).content.decode()
        assert sorted(re.findall(r'data-state="(\w+)"', page)) == ["active", "never"]


@pytest.mark.django_db
class TestResendToAll:
    def test_the_coordinator_emails_everyone_who_never_signed_in(
        self, coordinator: Any, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        library = coordinator.library
        waiting = [newcomer(library, email=f"baru{i}@contoh.id") for i in range(3)]
        newcomer(library)  # no address: told to print a code
        newcomer(library, email="aktif@contoh.id", last_login=NOW)
        newcomer(LibraryFactory(), email="lain@contoh.id")
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.client.post(reverse("accounts:people_invite"), follow=True)
        assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in waiting)
        page = response.content.decode()
        assert "3" in page and response.redirect_chain[-1][0] == reverse("accounts:people")

    def test_other_roles_cannot_and_another_library_reaches_only_its_own(
        self, instructor: Any, coordinator_b: Any, anon: Any, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        newcomer(instructor.library, email="a@contoh.id")
        assert instructor.client.post(reverse("accounts:people_invite")).status_code == 403
        response = anon.client.post(reverse("accounts:people_invite"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_b.client.post(reverse("accounts:people_invite"))
        assert not mail.outbox


@pytest.mark.django_db
class TestCodeSheet:
    def test_the_sheet_has_a_working_code_and_qr_for_each_person_without_email(self, coordinator: Any) -> None:
        from lentera.certificates.tests.pdfimages import qr_texts
        from tests.browser.delivery_helpers import pdf_text

        library = coordinator.library
        budi = newcomer(library, full_name="Budi Santoso", username="budi")
        newcomer(library, full_name="Sri Wahyuni", email="sri@contoh.id")
        newcomer(LibraryFactory(), full_name="Orang Lain")
        with time_machine.travel(NOW, tick=False):
            response = coordinator.client.post(reverse("accounts:people_code_sheet"), {"without_email": "on"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = pdf_text(content)
        assert "Budi Santoso" in text and "Sri Wahyuni" not in text and "Orang Lain" not in text
        assert "9 Maret 2026" in text  # a week from the day it was printed, in Indonesian
        (typed,) = re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text)
        (url,) = qr_texts(content)
        assert url == f"http://testserver/akun/undangan/{typed.replace('-', '')}/"
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            found = services.signin_code_check(code=typed)
        assert found is not None and found.user == budi

    def test_everyone_who_never_signed_in_when_asked(self, coordinator: Any) -> None:
        from tests.browser.delivery_helpers import pdf_text

        newcomer(coordinator.library, full_name="Sri Wahyuni", email="sri@contoh.id")
        response = coordinator.client.post(reverse("accounts:people_code_sheet"), {})
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Sri Wahyuni" in pdf_text(content)

    def test_nobody_to_print_goes_back_to_the_list(self, coordinator: Any) -> None:
        response = coordinator.client.post(reverse("accounts:people_code_sheet"), {"without_email": "on"})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:people")

    def test_other_roles_and_visitors_get_no_sheet(self, participant: Any, anon: Any) -> None:
        newcomer(participant.library)
        assert participant.client.post(reverse("accounts:people_code_sheet")).status_code == 403
        assert anon.client.post(reverse("accounts:people_code_sheet")).status_code == 302
        assert not SignInCode.objects.exists()


@pytest.mark.django_db
class TestPersonInvitations:
    def test_whatsapp_opens_a_chat_with_the_message_and_a_working_link(self, coordinator: Any) -> None:
        person = newcomer(coordinator.library, phone="0812-3456-7890", full_name="Sri Wahyuni")
        response = coordinator.client.post(reverse("accounts:person_whatsapp", args=[person.pk]))
        assert response.status_code == 302
        parts = urlsplit(response["Location"])
        assert (parts.netloc, parts.path) == ("wa.me", "/6281234567890")
        text = parse_qs(parts.query)["text"][0]
        assert "Sri Wahyuni" in text and person.username in text
        found = services.signin_code_check(code=link_code(unquote(text)))
        assert found is not None and found.channel == SignInCode.Channel.WHATSAPP

    def test_whatsapp_without_a_number_says_so(self, coordinator: Any) -> None:
        person = newcomer(coordinator.library)
        response = coordinator.client.post(reverse("accounts:person_whatsapp", args=[person.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("accounts:person_detail", args=[person.pk])
        assert "WhatsApp" in response.content.decode() and not SignInCode.objects.exists()

    def test_the_person_page_offers_email_and_whatsapp_until_they_sign_in(self, coordinator: Any) -> None:
        person = newcomer(coordinator.library, email="sri@contoh.id", phone="0812 3456 7890")
        page = coordinator.client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()
        assert reverse("accounts:person_invite", args=[person.pk]) in page
        assert reverse("accounts:person_whatsapp", args=[person.pk]) in page
        User.objects.filter(pk=person.pk).update(last_login=NOW)
        page = coordinator.client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()
        assert reverse("accounts:person_whatsapp", args=[person.pk]) not in page
        assert 'data-state="active"' in page

    def test_resend_one_invitation(
        self, coordinator: Any, worker: None, django_capture_on_commit_callbacks: Any
    ) -> None:
        person = newcomer(coordinator.library, email="sri@contoh.id")
        with django_capture_on_commit_callbacks(execute=True):
            coordinator.client.post(reverse("accounts:person_invite", args=[person.pk]))
            coordinator.client.post(reverse("accounts:person_invite", args=[person.pk]))
        first, second = (link_code(m.body) for m in mail.outbox)
        assert services.signin_code_check(code=first) is None  # the newer link replaced it
        assert services.signin_code_check(code=second) is not None

    def test_not_for_other_roles_other_libraries_or_visitors(
        self, coordinator: Any, instructor: Any, coordinator_b: Any, anon: Any
    ) -> None:
        person = newcomer(coordinator.library, email="sri@contoh.id", phone="0812 3456 7890")
        for name in ("accounts:person_invite", "accounts:person_whatsapp"):
            url = reverse(name, args=[person.pk])
            assert instructor.client.post(url).status_code == 403
            assert coordinator_b.client.post(url).status_code == 404
            assert anon.client.post(url)["Location"].startswith(reverse("accounts:login"))
        assert not SignInCode.objects.exists()


@pytest.mark.django_db
class TestPublicPages:
    def test_a_typed_code_leads_to_setting_a_password_then_signing_in(self, anon: Any) -> None:
        library = LibraryFactory(name="Perpustakaan Kota Pasuruan")
        person = newcomer(library, full_name="Budi Santoso", username="budi.s")
        ((_p, code),) = services.signin_codes_create(actor=None, library=library, users=[person], channel="sheet")
        page = anon.client.get(reverse("accounts:code_entry")).content.decode()
        assert "Budi" not in page
        response = anon.client.post(reverse("accounts:code_entry"), {"code": signin_codes.display(code).lower()})
        assert response["Location"] == reverse("accounts:invitation", args=[code])
        page = anon.client.get(response["Location"]).content.decode()
        assert "Budi Santoso" in page and "budi.s" in page and "Perpustakaan Kota Pasuruan" in page
        response = anon.client.post(
            reverse("accounts:invitation", args=[code]),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response["Location"] == reverse("accounts:login") + "?username=budi.s"
        login_page = anon.client.get(response["Location"]).content.decode()
        assert 'value="budi.s"' in login_page
        signed_in = Client()
        response = signed_in.post(reverse("accounts:login"), {"username": "budi.s", "password": NEW_PASSWORD})
        assert response.status_code == 302
        assert User.objects.get(pk=person.pk).last_login is not None
        # used: the link and the code say nothing more
        again = anon.client.get(reverse("accounts:invitation", args=[code]))
        assert again.status_code == 404 and "Budi" not in again.content.decode()

    def test_a_wrong_code_reveals_nothing(self, anon: Any) -> None:
        library = LibraryFactory()
        person = newcomer(library, full_name="Budi Santoso")
        ((_p, code),) = services.signin_codes_create(actor=None, library=library, users=[person], channel="sheet")
        wrong_secret = anon.client.post(reverse("accounts:code_entry"), {"code": code[:5] + "ZZZZZZZ"})
        unknown = anon.client.post(
            reverse("accounts:code_entry"), {"code": "ZZZZZZZZZZZZ" if code[0] != "Z" else "Y" * 12}
        )
        assert wrong_secret.status_code == unknown.status_code == 400
        for response in (wrong_secret, unknown):
            page = response.content.decode()
            with translation.override("id"):
                assert "Budi" not in page and html.escape(str(WRONG_CODE)) in page

    def test_a_weak_password_is_refused_and_the_code_still_works(self, anon: Any) -> None:
        library = LibraryFactory()
        person = newcomer(library)
        ((_p, code),) = services.signin_codes_create(actor=None, library=library, users=[person], channel="email")
        response = anon.client.post(
            reverse("accounts:invitation", args=[code]), {"new_password1": "12345678", "new_password2": "12345678"}
        )
        assert response.status_code == 400
        assert not User.objects.get(pk=person.pk).has_usable_password()
        assert services.signin_code_check(code=code) is not None

    def test_typing_codes_is_rate_limited_per_client(self, anon: Any, settings: Any) -> None:
        settings.RATE_LIMITS = {"sign-in-code": (3, 600)}
        for _ in range(3):
            assert anon.client.post(reverse("accounts:code_entry"), {"code": "ABCD-EFGH-JKMN"}).status_code == 400
        refused = anon.client.post(reverse("accounts:code_entry"), {"code": "ABCD-EFGH-JKMN"})
        assert refused.status_code == 429 and refused["Retry-After"]

    def test_invitation_links_are_rate_limited_per_client(self, anon: Any, settings: Any) -> None:
        settings.RATE_LIMITS = {"emailed-link": (2, 600)}
        url = reverse("accounts:invitation", args=["ABCDEFGHJKMN"])
        assert [anon.client.get(url).status_code for _ in range(3)] == [404, 404, 429]

    def test_add_a_person_without_email_only_without_the_emailed_link(self, coordinator: Any) -> None:
        response = coordinator.client.post(
            reverse("accounts:person_add"),
            {"full_name": "Tanpa Surel", "username": "tanpa", "email": "", "role": Role.PARTICIPANT},
        )
        person = User.objects.get(username="tanpa")
        assert response["Location"] == reverse("accounts:person_detail", args=[person.pk])
        refused = coordinator.client.post(
            reverse("accounts:person_add"),
            {
                "full_name": "Lupa Surel",
                "username": "lupa",
                "email": "",
                "role": "participant",
                "send_invitation": "on",
            },
        )
        assert refused.status_code == 200 and not User.objects.filter(username="lupa").exists()
        assert "email" in refused.context["form"].errors
