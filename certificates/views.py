"""Certificate views: public verification (page, JSON, file check), the
published keys and Open Badges documents, and the owner's downloads and list.

Views stay thin: normalise the code, apply the rate limit and the permission
rule, call a selector, render. None of them changes a certificate; the only
write is the audit entry of a PDF download.

Caching: pages and downloads are ``no-store`` (the status can change at any
moment, and the site header is personal); the public JSON documents may be
cached for a minute by anyone; the published keys for an hour.
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from wagtail.log_actions import log

from . import openbadges, permissions, ratelimit, selectors, signing
from .codes import normalise_code
from .forms import (
    ERR_TOO_BIG,
    MAX_UPLOAD_BYTES,
    CheckFileForm,
    CodeLookupForm,
    LimitedMemoryUploadHandler,
)
from .models import Certificate, CertificateStatus

logger = logging.getLogger(__name__)

PUBLIC_JSON_MAX_AGE = 60
PUBLISHED_KEY_MAX_AGE = 3600
JSON_PARAMS = {"ensure_ascii": False, "indent": 2}
# Multipart overhead allowed on top of the file itself before we refuse unread.
UPLOAD_SLACK = 64 * 1024


# --- Response helpers -------------------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def _noindex(response: HttpResponse) -> HttpResponse:
    # Verification pages carry a person's name: keep them out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _public_json(data: dict, *, status: int = 200, max_age: int = 0) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params=JSON_PARAMS)
    if max_age and status == 200:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        add_never_cache_headers(response)
    return _noindex(_cors(response))


def _json_not_found() -> JsonResponse:
    return _public_json({"status": "not_found"}, status=404)


def _too_many(request: HttpRequest, limit: ratelimit.RateLimit, *, as_json: bool):
    if as_json:
        response = _public_json(
            {"status": "rate_limited", "retry_after": limit.retry_after}, status=429
        )
    else:
        response = _no_store(
            render(
                request,
                "certificates/rate_limited.html",
                {"retry_after": limit.retry_after},
                status=429,
            )
        )
    response["Retry-After"] = str(limit.retry_after)
    return response


def _not_found(request: HttpRequest, typed: str) -> HttpResponse:
    typed = (typed or "")[:60]
    form = CodeLookupForm(initial={"code": typed})
    response = render(
        request,
        "certificates/not_found.html",
        {"typed": typed, "form": form},
        status=404,
    )
    return _noindex(_no_store(response))


def _unavailable(request: HttpRequest, what: str, *, status: int = 404):
    """The keys behind a published document are not configured on this server."""
    logger.warning("certificates: %s requested but the keys are missing", what)
    response = render(
        request, "certificates/unavailable.html", {"what": what}, status=status
    )
    return _no_store(response)


def _json_unavailable(what: str) -> JsonResponse:
    logger.warning("certificates: %s requested but the keys are missing", what)
    return _public_json(
        {
            "status": "not_available",
            "detail": _("The %(what)s is not published on this server yet.")
            % {"what": what},
        },
        status=404,
    )


def _gone(request: HttpRequest, certificate: Certificate, *, what: str):
    """410 for a download of a revoked or superseded certificate."""
    response = render(
        request,
        "certificates/gone.html",
        {
            "certificate": certificate,
            "what": what,
            "successor": getattr(certificate, "superseded_by_code", None),
        },
        status=410,
    )
    return _no_store(response)


_UNSAFE_FILENAME = re.compile(r"[^\w’ʼ'\-]+", re.UNICODE)


def _attachment(*, ascii_name: str, utf8_name: str) -> str:
    """``Content-Disposition`` with an ASCII fallback and the RFC 6266 UTF-8 name."""
    return (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(utf8_name, safe='')}"
    )


def _file_names(certificate: Certificate, extension: str) -> dict[str, str]:
    number = certificate.registration_number
    name = _UNSAFE_FILENAME.sub("-", certificate.full_name).strip("-")
    label = _("certificate")
    utf8 = f"{label}-{number}-{name}" if name else f"{label}-{number}"
    return {
        "ascii_name": f"certificate-{number}.{extension}",
        "utf8_name": f"{utf8}.{extension}",
    }


# --- Public verification -----------------------------------------------------------


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """A form with one field; ``?code=`` goes to that code's verification page."""
    status = 200
    if "code" in request.GET:
        form = CodeLookupForm(request.GET)
        if form.is_valid():
            limit = ratelimit.peek(request)
            if not limit.allowed:
                return _too_many(request, limit, as_json=False)
            return redirect("certificates:verify", code=form.cleaned_data["code"])
        status = 400
    else:
        form = CodeLookupForm()
    response = render(
        request, "certificates/verify_lookup.html", {"form": form}, status=status
    )
    return _no_store(response)


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public verification page of one certificate (no login)."""
    canonical = normalise_code(code)
    if canonical is None:
        return _not_found(request, code)
    if canonical != code:
        return HttpResponsePermanentRedirect(
            reverse("certificates:verify", args=[canonical])
        )
    limit = ratelimit.hit(request)
    if not limit.allowed:
        return _too_many(request, limit, as_json=False)
    certificate = selectors.certificate_get_by_code(code=canonical)
    if certificate is None:
        return _not_found(request, code)
    successor = getattr(certificate, "superseded_by_code", None)
    context = {
        "certificate": certificate,
        "facts": selectors.certificate_facts(certificate),
        "successor": successor,
        "verify_url": selectors.verify_url(certificate.code),
    }
    response = render(request, "certificates/verify.html", context)
    return _noindex(_no_store(response))


@require_safe
def verify_json(request: HttpRequest, code: str) -> HttpResponse:
    """The verification page's facts as JSON, for other systems."""
    canonical = normalise_code(code)
    if canonical is None:
        return _json_not_found()
    if canonical != code:
        return _cors(
            HttpResponsePermanentRedirect(
                reverse("certificates:verify_json", args=[canonical])
            )
        )
    limit = ratelimit.hit(request)
    if not limit.allowed:
        return _too_many(request, limit, as_json=True)
    certificate = selectors.certificate_get_by_code(code=canonical)
    if certificate is None:
        return _json_not_found()
    return _public_json(
        selectors.certificate_public_json(certificate), max_age=PUBLIC_JSON_MAX_AGE
    )


# --- Check a file ------------------------------------------------------------------

CHECK_GENUINE = "genuine"
CHECK_REVOKED = "revoked"
CHECK_SUPERSEDED = "superseded"
CHECK_SIGNED_UNKNOWN = "signed_unknown"
CHECK_ALTERED = "altered"


def _check_outcome(
    certificate: Certificate | None, signature: signing.SignatureCheck | None
) -> str:
    """What an uploaded file is. A byte-identical match with a stored PDF is
    proof on its own (the stored hash is ours); the signature speaks only for
    files we have no record of."""
    if certificate is not None:
        if certificate.status == CertificateStatus.REVOKED:
            return CHECK_REVOKED
        if certificate.status == CertificateStatus.SUPERSEDED:
            return CHECK_SUPERSEDED
        return CHECK_GENUINE
    if signature is not None and signature.ok:
        return CHECK_SIGNED_UNKNOWN
    return CHECK_ALTERED


@csrf_exempt  # checked below, once the upload handler is in place
def check_file(request: HttpRequest) -> HttpResponse:
    """Upload a PDF to learn whether it is a certificate we issued, unchanged.

    The file is read into memory (at most 5 MB, never written to disk),
    hashed, compared with the stored PDFs and its signature validated; then
    it is dropped.
    """
    handler = None
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + UPLOAD_SLACK:
            # Refuse before reading the body: nothing is parsed or kept.
            form = CheckFileForm()
            form.errors["file"] = form.error_class([ERR_TOO_BIG])
            return _render_check(request, form, status=413)
        handler = LimitedMemoryUploadHandler(request, limit=MAX_UPLOAD_BYTES)
        request.upload_handlers = [handler]
    return _check_file(request, handler)


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
def _check_file(request: HttpRequest, handler) -> HttpResponse:
    if request.method != "POST":
        return _render_check(request, CheckFileForm())
    form = CheckFileForm(
        request.POST, request.FILES, too_big=bool(handler and handler.too_big)
    )
    if not form.is_valid():
        return _render_check(request, form, status=400)
    limit = ratelimit.hit(request)
    if not limit.allowed:
        return _too_many(request, limit, as_json=False)
    data: bytes = form.cleaned_data["file"]
    digest = hashlib.sha256(data).hexdigest()
    certificate = selectors.certificate_get_by_sha256(digest=digest)
    try:
        signature = signing.check_pdf_signature(data)
    except signing.SigningKeyMissing:
        logger.warning("certificates: file check without an issuer certificate")
        signature = None
    outcome = _check_outcome(certificate, signature)
    logger.info("certificates: file check %s (%s)", outcome, digest[:12])
    return _render_check(
        request,
        CheckFileForm(),
        result={
            "outcome": outcome,
            "certificate": certificate,
            "facts": selectors.certificate_facts(certificate) if certificate else None,
            "successor": getattr(certificate, "superseded_by_code", None),
            "signature": signature,
            "sha256": digest,
        },
    )


def _render_check(request, form, *, result=None, status: int = 200) -> HttpResponse:
    response = render(
        request,
        "certificates/check_file.html",
        {"form": form, "result": result, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        status=status,
    )
    return _no_store(response)


# --- Published keys and issuer -----------------------------------------------------


@require_safe
def issuer_certificate(request: HttpRequest) -> HttpResponse:
    """The issuer certificate (PEM) that verifies the PDF signatures."""
    try:
        pem = signing.issuer_certificate_pem()
    except signing.SigningKeyMissing:
        return _unavailable(request, _("issuer certificate"))
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="issuer.pem"'
    patch_cache_control(response, public=True, max_age=PUBLISHED_KEY_MAX_AGE)
    return _cors(response)


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    """The public key set that verifies the Open Badges credentials."""
    try:
        key = signing.badge_key_pem()
        document = openbadges.public_jwks(key, kid=selectors.badge_key_id(key))
    except (signing.SigningKeyMissing, ValueError):
        return _json_unavailable(_("Open Badges key"))
    response = _public_json(document, max_age=PUBLISHED_KEY_MAX_AGE)
    response["Content-Type"] = "application/jwk-set+json"
    return response


@require_safe
def issuer_profile(request: HttpRequest) -> HttpResponse:
    """The Open Badges 3.0 issuer profile."""
    return _public_json(selectors.issuer_profile(), max_age=PUBLISHED_KEY_MAX_AGE)


@require_safe
def achievement(request: HttpRequest, code: str) -> HttpResponse:
    """The Open Badges 3.0 achievement (the programme) of a certificate."""
    canonical = normalise_code(code)
    if canonical is None:
        return _json_not_found()
    if canonical != code:
        return _cors(
            HttpResponsePermanentRedirect(
                reverse("certificates:achievement", args=[canonical])
            )
        )
    limit = ratelimit.hit(request)
    if not limit.allowed:
        return _too_many(request, limit, as_json=True)
    certificate = selectors.certificate_get_by_code(code=canonical)
    if certificate is None:
        return _json_not_found()
    return _public_json(
        selectors.achievement_document(certificate), max_age=PUBLIC_JSON_MAX_AGE
    )


# --- Owner downloads -----------------------------------------------------------------


def _owner_certificate(request: HttpRequest, code: str, url_name: str):
    """(certificate, None) for a download the user may make, else (None, response)."""
    canonical = normalise_code(code)
    if canonical is None:
        return None, _not_found(request, code)
    if canonical != code:
        return None, HttpResponsePermanentRedirect(reverse(url_name, args=[canonical]))
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    certificate = selectors.certificate_get_by_code(code=canonical)
    if certificate is None:
        return None, _not_found(request, code)
    if not permissions.can_download(request.user, certificate):
        raise PermissionDenied
    return certificate, None


@require_safe
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The stored PDF, byte for byte: for its owner and certificate admins.

    A learner cannot download a revoked or superseded certificate (410, with
    the reason or a link to the new one); certificate admins can, since the
    registry must be able to show what was issued.
    """
    certificate, refusal = _owner_certificate(request, code, "certificates:pdf")
    if refusal is not None:
        return refusal
    if not certificate.is_valid and not permissions.can_view_registry(request.user):
        return _gone(request, certificate, what="pdf")
    data = selectors.certificate_pdf_bytes(certificate=certificate)
    if request.method == "GET":
        log(
            instance=certificate,
            action="certificates.download",
            user=request.user,
            data={"registration_number": certificate.registration_number},
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = _attachment(**_file_names(certificate, "pdf"))
    response["Content-Length"] = str(len(data))
    return _no_store(response)


@require_safe
def credential(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as an Open Badges 3.0 credential signed as a VC-JWT.

    Built from the stored record each time (the same content every time);
    only for a valid certificate, since a credential travels on its own.
    """
    certificate, refusal = _owner_certificate(request, code, "certificates:credential")
    if refusal is not None:
        return refusal
    if not certificate.is_valid:
        return _gone(request, certificate, what="credential")
    try:
        key = signing.badge_key_pem()
        token = openbadges.sign_vc_jwt(
            selectors.credential_document(certificate),
            private_key_pem=key,
            kid=selectors.badge_key_id(key),
        )
    except (signing.SigningKeyMissing, ValueError):
        return _unavailable(request, _("Open Badges key"), status=503)
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = _attachment(**_file_names(certificate, "jwt"))
    return _no_store(response)


# --- My certificates -------------------------------------------------------------------


@require_safe
@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's certificates, valid ones first."""
    rows = []
    for certificate in selectors.certificates_for_user(user=request.user):
        valid = certificate.is_valid
        successor = getattr(certificate, "superseded_by_code", None)
        rows.append(
            {
                "certificate": certificate,
                "facts": selectors.certificate_facts(certificate),
                "verify_url": selectors.verify_url(certificate.code),
                "linkedin_url": selectors.linkedin_add_url(certificate)
                if valid
                else None,
                "successor": successor,
            }
        )
    response = render(request, "certificates/my_certificates.html", {"rows": rows})
    return _no_store(response)
