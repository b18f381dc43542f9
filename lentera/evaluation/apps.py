from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Feedback forms (templates), their rounds for sessions and cohorts, anonymous answers kept only
    as each round's aggregates (counters and sorted comment lists), the results with their anonymity
    floor, instructor scorecards, the Kirkpatrick report and the
    improvement actions that reach the next cohort."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "lentera.evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from lentera.accounts.setup import library_starter_register

        # registers this app's sections of a person's data export and erasure with accounts
        from lentera.evaluation import personal_data  # noqa: F401
        from lentera.evaluation.services import ready_forms_install

        # every new library gets the ready-made Indonesian forms (accounts/setup.py runs the starters)
        library_starter_register(
            key="evaluation.ready_forms",
            name="ready-made feedback forms",
            label=_("ready-made feedback forms"),
            run=lambda *, actor, library: len(ready_forms_install(actor=actor, library=library)),
        )
