"""``manage.py lentera_setup``: the first library and its coordinator, without the Django admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator, validate_email
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lentera.accounts import setup, signin_codes
from lentera.accounts.models import Library

# option → (the service's keyword, required)
FIELDS: dict[str, tuple[str, bool]] = {
    "library": ("name", True),
    "city": ("city", True),
    "province": ("province", False),
    "kecamatan": ("kecamatan", False),
    "population": ("population", False),
    "coordinator_name": ("coordinator_name", True),
    "coordinator_email": ("coordinator_email", False),
}


def _population(text: str) -> int | None:
    if not text:
        return None
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit() or int(digits) < 1:
        raise ValidationError(_("Type a whole number above 0, such as 210000."))
    return int(digits)


def _email(text: str) -> str:
    if text:
        validate_email(text)
    return text


def _describe(error: ValidationError) -> str:
    """The service's refusal, each message after the option it is about: "--coordinator-email: …"."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    options = {key: option for option, (key, _required) in FIELDS.items()}
    options["coordinator_username"] = "coordinator_username"
    return " ".join(
        f"--{options[key].replace('_', '-')}: {message}" if key in options else message
        for key, messages in error.message_dict.items()
        for message in messages
    )


class Command(BaseCommand):
    help = (
        "Set up a library and its first coordinator, and print the coordinator's one-time link to choose a "
        "password (it works before email is set up; with an email address the invitation is also emailed). "
        "Asks for whatever is missing, unless --no-input is given. On a Lentera that has a library already it "
        "refuses, so running it twice by mistake changes nothing; a province agency hosting several libraries "
        "adds each further one with --add-library. Every new library gets the ready-made Indonesian feedback "
        "forms. With --token it only prints a new token for the setup page in the browser (/pasang/); with "
        "--new-link USERNAME, a new one-time link for someone who never signed in (an expired coordinator's link)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--library", help='the library\'s name, e.g. "Perpustakaan Kota Pasuruan"')
        parser.add_argument("--city", help='the city or regency, e.g. "Kota Pasuruan"')
        parser.add_argument("--province", help='e.g. "Jawa Timur" (optional: the coordinator can add it later)')
        parser.add_argument("--kecamatan", help='the districts, separated by commas: "Bugul Kidul,Gadingrejo"')
        parser.add_argument("--population", type=int, help="the population the library serves, e.g. 210000")
        parser.add_argument("--coordinator-name", help='the coordinator\'s full name, e.g. "Dewi Kartikasari"')
        parser.add_argument("--coordinator-email", help="where the invitation is emailed (optional)")
        parser.add_argument(
            "--coordinator-username", help="the coordinator's username (default: from the email address or the name)"
        )
        parser.add_argument("--site-url", help="the public address links start with (default: SITE_URL)")
        parser.add_argument(
            "--add-library",
            action="store_true",
            help="add another library to a Lentera that has one or more already (a province agency hosting many)",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="ask nothing: fail when a required option is missing (for scripts)",
        )
        parser.add_argument(
            "--new-link",
            metavar="USERNAME",
            help="only print a new one-time link for a person who never signed in (their link expired or was lost)",
        )
        parser.add_argument(
            "--token",
            action="store_true",
            help="only print a new one-time token for the setup page in the browser (while there is no library)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["token"]:
            self._token(options)
            return
        base_url = (options["site_url"] or settings.SITE_URL or "").strip().rstrip("/")
        if not base_url:
            raise CommandError(
                _(
                    "SITE_URL is not set, so the invitation link cannot be made. Set it in the environment file "
                    "(for example SITE_URL=https://lentera.example.go.id) or give --site-url."
                )
            )
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError as error:
            raise CommandError(
                _("The site address %(url)s is not a web address such as https://lentera.example.go.id.")
                % {"url": base_url}
            ) from error
        if options["new_link"]:
            self._new_link(options["new_link"], base_url)
            return
        if not options["add_library"] and setup.library_exists():
            names = ", ".join(Library.objects.order_by("name").values_list("name", flat=True)[:3])
            raise CommandError(
                _(
                    "Lentera has a library already (%(names)s): nothing was changed. To add another library, "
                    "run the command again with --add-library."
                )
                % {"names": names}
            )
        values = self._values(options)
        try:
            result = setup.library_setup(
                actor=None, base_url=base_url, only_if_first=not options["add_library"], **values
            )
        except setup.SetupClosed as closed:
            raise CommandError(_("Lentera has a library already: nothing was changed.")) from closed
        except ValidationError as error:
            raise CommandError(_("Nothing was saved. %(errors)s") % {"errors": _describe(error)}) from error
        self._report(result)

    # asking --------------------------------------------------------------------------------------

    def _values(self, options: dict[str, Any]) -> dict[str, Any]:
        interactive = options["interactive"]
        missing = [
            f"--{option.replace('_', '-')}"
            for option, (_key, required) in FIELDS.items()
            if required and not (options[option] or "").strip()
        ]
        if missing and not interactive:
            raise CommandError(
                _("Missing: %(options)s. Give them, or leave out --no-input to be asked.")
                % {"options": ", ".join(missing)}
            )
        prompts = {
            "library": _("Library name (for example Perpustakaan Kota Pasuruan): "),
            "city": _("City or regency (for example Kota Pasuruan): "),
            "province": _("Province (for example Jawa Timur; Enter to leave it for later): "),
            "kecamatan": _("Districts (kecamatan), separated by commas (Enter to leave them for later): "),
            "population": _("Population served, a whole number (Enter to leave it for later): "),
            "coordinator_name": _("Coordinator's full name: "),
            "coordinator_email": _("Coordinator's email (Enter if they have none): "),
        }
        cleaners: dict[str, Callable[[str], Any]] = {"population": _population, "coordinator_email": _email}
        values: dict[str, Any] = {}
        for option, (key, required) in FIELDS.items():
            given = options[option]
            if given is None and interactive:
                given = self._ask(prompts[option], required=required, clean=cleaners.get(option))
            elif isinstance(given, str) and option in cleaners:
                try:
                    given = cleaners[option](given.strip())
                except ValidationError as error:
                    raise CommandError(f"--{option.replace('_', '-')}: {' '.join(error.messages)}") from error
            values[key] = given if given is not None else ("" if option != "population" else None)
            if option == "library" and Library.objects.filter(name__iexact=str(given).strip()).exists():
                raise CommandError(
                    _("A library named “%(name)s” exists already: nothing was changed.") % {"name": given}
                )
        values["kecamatan"] = setup.kecamatan_split(values["kecamatan"])
        username = options["coordinator_username"]
        if username is None and interactive:
            suggested = setup.coordinator_username_suggest(
                full_name=values["coordinator_name"], email=values["coordinator_email"]
            )
            username = self._ask(
                _("Coordinator's username [%(username)s]: ") % {"username": suggested}, required=False, clean=None
            )
        values["coordinator_username"] = (username or "").strip()
        return values

    def _ask(self, prompt: str, *, required: bool, clean: Callable[[str], Any] | None) -> Any:
        while True:
            try:
                answer = input(prompt).strip()
            except EOFError as error:
                raise CommandError(_("Stopped before every answer was given: nothing was saved.")) from error
            if not answer and required:
                self.stderr.write(_("This is needed."))
                continue
            if clean is None:
                return answer
            try:
                return clean(answer)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))

    # telling -------------------------------------------------------------------------------------

    def _report(self, result: setup.LibrarySetup) -> None:
        person = result.coordinator
        self.stdout.write(self.style.SUCCESS(_("%(library)s is set up.") % {"library": result.library.name}))
        for done in result.started:
            self.stdout.write(
                _("Added for it: %(count)s %(what)s.") % {"count": done.count, "what": done.starter.label}
            )
        self.stdout.write(
            _("Coordinator: %(name)s (username: %(username)s)")
            % {"name": person.full_name, "username": person.username}
        )
        if result.existing_person:
            self.stdout.write(
                _("%(email)s belonged to this person already: they got the role.") % {"email": person.email}
            )
        if result.link:
            self.stdout.write(
                _("Their one-time link to choose a password (it works once, until %(date)s):")
                % {"date": date_format(result.expires, "j F Y") if result.expires else ""}
            )
            self.stdout.write(f"  {result.link}")
            self.stdout.write(
                _("Or, on the login page, “Sign in with a code”: %(code)s")
                % {"code": signin_codes.display(result.code)}
            )
        else:
            self.stdout.write(_("They have signed in before: they log in with their own password."))
        if result.emailed:
            self.stdout.write(
                _(
                    "An invitation email to %(email)s was queued for the background worker to send. Until email "
                    "(SMTP) is set up, give the coordinator the link above instead."
                )
                % {"email": person.email}
            )

    def _new_link(self, username: str, base_url: str) -> None:
        try:
            renewed = setup.signin_link_renew(actor=None, username=username, base_url=base_url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("A new one-time link for %(name)s (username: %(username)s), until %(date)s:")
            % {
                "name": renewed.person.full_name,
                "username": renewed.person.username,
                "date": date_format(renewed.expires, "j F Y"),
            }
        )
        self.stdout.write(f"  {renewed.link}")
        self.stdout.write(
            _("Or, on the login page, “Sign in with a code”: %(code)s") % {"code": signin_codes.display(renewed.code)}
        )

    def _token(self, options: dict[str, Any]) -> None:
        if setup.library_exists():
            raise CommandError(
                _(
                    "Lentera has a library already, so the setup page is closed. To add another library, use "
                    "manage.py lentera_setup --add-library."
                )
            )
        token = setup.setup_token_issue()
        base = (options["site_url"] or settings.SITE_URL or "").strip().rstrip("/")
        self.stdout.write(
            _("Setup token (it works for %(hours)s hours, until a newer one is made): %(token)s")
            % {"hours": setup.SETUP_TOKEN_HOURS, "token": token}
        )
        self.stdout.write(_("Open %(url)s and enter it there.") % {"url": base + reverse("first_run")})
