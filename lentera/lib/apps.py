from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers with no models: tenancy (current library), roles, security headers, template tags."""

    name = "lentera.lib"
    label = "lentera_lib"
