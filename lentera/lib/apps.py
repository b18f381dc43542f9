from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers: tenancy (current library), security headers, uploads, background jobs (and the
    workers' heartbeats, its one model), template tags."""

    name = "lentera.lib"
    label = "lentera_lib"
