from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates (sertifikat / STTPP) of the people who completed a cohort: numbering per
    library, the PDF with its verification QR code, the public check, revocation and reissue."""

    name = "lentera.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # registers this app's sections of a person's data export and erasure with accounts
        from lentera.certificates import personal_data  # noqa: F401
