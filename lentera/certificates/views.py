"""Certificate pages: the coordinator issues, downloads, revokes and reissues; participants download
their own; anyone checks a certificate on the public page (by its number or the QR code's address)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lentera.accounts.access import AccessRequest, role_required
from lentera.accounts.models import Library, Role
from lentera.certificates import pdf, selectors, services
from lentera.certificates.forms import CertificateSettingsForm, HolderNameForm, ReasonForm, VerifyForm
from lentera.certificates.models import Certificate, CertificateSettings
from lentera.certificates.numbering import render_number
from lentera.delivery.selectors import cohort_get_for_user
from lentera.lib import jobs
from lentera.lib.downloads import download, image_type, stored_file_download
from lentera.lib.forms import add_service_errors
from lentera.lib.ratelimit import rate_limited
from lentera.lib.urls import site_url

# Public check -----------------------------------------------------------------------------------


def _verify_page(
    request: HttpRequest, form: VerifyForm, check: selectors.PublicCheck | None, searched: bool
) -> HttpResponse:
    name_form = None
    if check is not None and not check.name_is_full:
        name_form = HolderNameForm(initial={"nomor": check.certificate.number}, auto_id="holder_%s")
    response = render(
        request,
        "certificates/verify.html",
        {
            "form": form,
            "check": check,
            "certificate": check.certificate if check else None,
            "name_form": name_form,
            "searched": searched,
        },
        status=404 if searched and check is None else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@rate_limited("certificate-check")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Type a certificate's exact number (a GET parameter: numbers contain slashes). No listing, no
    wildcard. The holder's name shows masked; a POST with the name typed shows it in full if it matches."""
    if request.method == "POST":
        name_form = HolderNameForm(request.POST)
        if name_form.is_valid():
            number = name_form.cleaned_data["nomor"]
            check = selectors.certificate_public_check(number=number, typed_name=name_form.cleaned_data["nama"])
            return _verify_page(request, VerifyForm(initial={"nomor": number}), check, True)
        return redirect("certificates:verify")
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return _verify_page(request, form, selectors.certificate_public_check(number=form.cleaned_data["nomor"]), True)
    return _verify_page(request, form, None, False)


@never_cache
@rate_limited("certificate-check")
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """The address in the QR code: the certificate's random token, which shows the holder's name in full."""
    check = selectors.certificate_public_check(token=token)
    initial = {"nomor": check.certificate.number} if check else None
    return _verify_page(request, VerifyForm(initial=initial), check, True)


# Participants -----------------------------------------------------------------------------------


@role_required(Role.PARTICIPANT)
def my_certificates(request: AccessRequest) -> HttpResponse:
    return render(
        request, "certificates/my_certificates.html", {"certificates": selectors.my_certificates(access=request.access)}
    )


@role_required(Role.COORDINATOR, Role.PARTICIPANT)
def certificate_download(request: AccessRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(access=request.access, pk=pk)
    if not certificate.is_valid and not request.access.is_coordinator:
        raise Http404
    return download(pdf.certificate_pdf(certificate), filename=certificate.filename, content_type="application/pdf")


# Coordinators -----------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def cohort_certificates(request: AccessRequest, pk: int) -> HttpResponse:
    """Who completed the cohort, who holds a certificate, the issue button and its progress."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    certificates = selectors.cohort_certificates(cohort=cohort)
    rows = selectors.cohort_certificate_rows(cohort=cohort, certificates=certificates)
    waiting = sum(1 for r in rows if r.status == "completed" and r.certificate is None)
    run = selectors.latest_run(cohort=cohort)
    return render(
        request,
        "certificates/cohort.html",
        {
            "cohort": cohort,
            "rows": rows,
            "run": run,
            "worker_down": run is not None and run.status in run.WORKING and not jobs.workers_running(),
            "counts": {
                "completed": sum(1 for r in rows if r.status == "completed"),
                "valid": sum(1 for c in certificates if c.revoked_at is None),
                "waiting": waiting,
                "revoked": sum(1 for c in certificates if c.revoked_at is not None),
            },
            "has_ended": services.cohort_has_ended(cohort, timezone.now()),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def cohort_issue(request: AccessRequest, pk: int) -> HttpResponse:
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    try:
        run = services.issue_run_start(actor=request.user, cohort=cohort, base_url=site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certificates:cohort", pk=cohort.pk)
    return redirect(run)


@role_required(Role.COORDINATOR)
def run_detail(request: AccessRequest, pk: int) -> HttpResponse:
    """The progress of issuing (polled by HTMX while it works); the coordinator may leave and come back."""
    run = selectors.issue_run_get_for_user(access=request.access, pk=pk)
    working = run.status in run.WORKING
    worker_down = working and not jobs.workers_running()  # then the page says the run waits for a worker
    if request.htmx:
        if working:
            return render(request, "certificates/run_detail.html#progress", {"run": run, "worker_down": worker_down})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: show the whole page with the result
        return response
    return render(
        request, "certificates/run_detail.html", {"run": run, "cohort": run.cohort, "worker_down": worker_down}
    )


def _no_certificates(request: AccessRequest, cohort_pk: int) -> HttpResponse:
    messages.info(request, _("No valid certificates to download yet."))
    return redirect("certificates:cohort", pk=cohort_pk)


@role_required(Role.COORDINATOR)
def cohort_zip(request: AccessRequest, pk: int) -> HttpResponse:
    """Every valid certificate of the cohort, one PDF each, in a ZIP (about 10 ms a certificate)."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    certificates = selectors.valid_certificates(cohort=cohort)
    if not certificates:
        return _no_certificates(request, cohort.pk)
    return download(
        pdf.certificates_zip(certificates),
        filename=f"sertifikat-{slugify(cohort.name) or cohort.pk}.zip",
        content_type="application/zip",
    )


@role_required(Role.COORDINATOR)
def cohort_pdf(request: AccessRequest, pk: int) -> HttpResponse:
    """Every valid certificate of the cohort in one PDF, to print."""
    cohort = cohort_get_for_user(access=request.access, pk=pk, for_write=True)
    certificates = selectors.valid_certificates(cohort=cohort)
    if not certificates:
        return _no_certificates(request, cohort.pk)
    return download(
        pdf.certificates_pdf(certificates, title=cohort.name),
        filename=f"sertifikat-{slugify(cohort.name) or cohort.pk}.pdf",
        content_type="application/pdf",
    )


def _detail(
    request: AccessRequest,
    certificate: Certificate,
    *,
    revoke_form: ReasonForm | None = None,
    reissue_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "cohort": certificate.cohort,
            "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
            "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
            "replaced_by": Certificate.objects.filter(replaces=certificate).first(),
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
def certificate_detail(request: AccessRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.certificate_get_for_user(access=request.access, pk=pk))


@role_required(Role.COORDINATOR)
@require_POST
def certificate_revoke(request: AccessRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(access=request.access, pk=pk)
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Certificate %(number)s was revoked.") % {"number": certificate.number})
            return redirect(certificate)
    return _detail(request, certificate, revoke_form=form, status=400)


@role_required(Role.COORDINATOR)
@require_POST
def certificate_reissue(request: AccessRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(access=request.access, pk=pk)
    form = ReasonForm(request.POST, prefix="reissue")
    if form.is_valid():
        try:
            new = services.certificate_reissue(
                actor=request.user,
                certificate=certificate,
                reason=form.cleaned_data["reason"],
                base_url=site_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("A new certificate %(new)s replaces %(old)s, which is now revoked.")
                % {"new": new.number, "old": certificate.number},
            )
            return redirect(new)
    return _detail(request, certificate, reissue_form=form, status=400)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def certificate_settings(request: AccessRequest) -> HttpResponse:
    library = request.access.current_library
    current = services.settings_for(library)
    form = CertificateSettingsForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_settings_update(actor=request.user, library=library, **form.settings_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The certificate settings were saved."))
            return redirect("certificates:settings")
    return render(
        request,
        "certificates/settings.html",
        {"form": form, "library": library, "current": current, "example": _example_number(library, current)},
    )


@role_required(Role.COORDINATOR)
def certificate_signature(request: AccessRequest) -> HttpResponseBase:
    """The current signature of the head of library, for the library's coordinators only."""
    current = services.settings_for(request.access.current_library)
    if not current.signature:
        raise Http404
    name = current.signature.name
    return stored_file_download(current.signature, filename="tanda-tangan", content_type=image_type(name))


def _example_number(library: Library, current: CertificateSettings) -> str:
    code = services.library_code(library=library, certificate_settings=current)
    return render_number(current.number_pattern, library_code=code, year=timezone.localdate().year, seq=7)
