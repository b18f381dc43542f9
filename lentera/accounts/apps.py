from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and tenancy: users, libraries (the tenant), memberships and roles, functional
    levels, the audit log every business write records into, and a person's personal-data
    export and erasure (UU PDP), which every app holding personal data fills in from its own
    ``ready()`` (``accounts/personal_data.py``). Later: consent."""

    name = "lentera.accounts"
    label = "accounts"
    verbose_name = _("Accounts and libraries")

    def ready(self) -> None:
        # the registry the other apps fill in, and accounts' own sections (profile, roles, audit log)
        from lentera.accounts import personal_data  # noqa: F401
