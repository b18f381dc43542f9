from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """The library's own data and indicators: monthly figures (visits, loans, new members, events,
    reference questions) typed in or imported, the "results" (Kirkpatrick L4) of the training.
    Later: SLiMS/INLISLite imports, IPLM and TGM, the service-quality survey."""

    name = "lentera.impact"
    label = "impact"
    verbose_name = _("Impact")
