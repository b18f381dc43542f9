from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and tenancy: users, libraries (the tenant), memberships and roles, functional
    levels, and the audit log every business write records into. Later: consent and
    personal-data export and erasure (UU PDP)."""

    name = "lentera.accounts"
    label = "accounts"
    verbose_name = _("Accounts and libraries")
