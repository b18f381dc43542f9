from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Running the programme: instructors, cohorts (angkatan), enrolment and waitlist, the
    schedule with clash detection, attendance (QR check-in, daftar hadir) and the JP ledger."""

    name = "lentera.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        # registers this app's sections of a person's data export and erasure with accounts
        from lentera.delivery import personal_data  # noqa: F401
