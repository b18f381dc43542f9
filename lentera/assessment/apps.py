from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Did the librarians learn: question bank, pre/post tests, rubrics, assignments, completion rules.

    Built so far: the pure calculations (scoring of each question type, normalised learning
    gain, item analysis). Models and pages come next (issue: assess and certify).
    """

    name = "lentera.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        # registers this app's sections of a person's data export and erasure with accounts
        from lentera.assessment import personal_data  # noqa: F401
