from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    """What is taught: programmes, their objectives, the competency framework (SKKNI key
    functions and units) and modules. Later: session plans, methods, JP and materials."""

    name = "lentera.curriculum"
    label = "curriculum"
    verbose_name = _("Curriculum")
