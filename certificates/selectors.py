"""Reads of certificates for the public and learner pages, and the documents
derived from an issue record (public facts, Open Badges achievement and
credential).

Nothing here writes. Lists and public lookups never load the ``pdf`` column;
only :func:`certificate_pdf_bytes` does, for the one download that needs it.
The derived documents use the stored record and its snapshot only, never the
live programme or template, so they describe exactly what was issued and come
out the same every time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from courses.choices import ProgrammeKind

from . import conf, openbadges
from .models import Certificate, CertificateStatus, CertificateTemplate
from .ukrainian import credits_and_hours, date_uk, period_uk

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


def _public_queryset() -> QuerySet[Certificate]:
    return Certificate.objects.defer("pdf").annotate(
        superseded_by_code=F("superseded_by__code")
    )


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """The certificate with this canonical code (without its PDF), or ``None``.

    ``superseded_by_code`` is annotated, so showing the successor costs no
    second query.
    """
    return _public_queryset().filter(code=code).first()


def certificate_get_by_sha256(*, digest: str) -> Certificate | None:
    """The certificate whose stored PDF has this SHA-256 (hex), or ``None``."""
    return _public_queryset().filter(pdf_sha256=digest.lower()).first()


def certificate_pdf_bytes(*, certificate: Certificate) -> bytes:
    """The stored PDF of ``certificate`` (never a re-render); the only read of
    the ``pdf`` column, done after the permission check."""
    data = (
        Certificate.objects.filter(pk=certificate.pk)
        .values_list("pdf", flat=True)
        .first()
    )
    return bytes(data or b"")


def certificates_for_user(*, user) -> list[Certificate]:
    """``user``'s certificates, valid first, newest first: one query."""
    if not user or not user.is_authenticated:
        return []
    return list(
        _public_queryset()
        .filter(user=user)
        .annotate(
            status_rank=Case(
                When(status=CertificateStatus.VALID, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "-issued_at", "-pk")
    )


# --- URLs -------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return conf.public_url() + path


def verify_url(code: str) -> str:
    return _absolute(reverse("certificates:verify", args=[code]))


def verify_json_url(code: str) -> str:
    return _absolute(reverse("certificates:verify_json", args=[code]))


def issuer_profile_url() -> str:
    return _absolute(reverse("certificates:issuer_profile"))


def jwks_url() -> str:
    return _absolute(reverse("certificates:jwks"))


def achievement_url(code: str) -> str:
    return _absolute(reverse("certificates:achievement", args=[code]))


def badge_key_id(private_key_pem: bytes) -> str:
    """``kid`` of the Open Badges key: the JWKS URL plus the key's RFC 7638
    thumbprint, stable for a key and different after a rotation."""
    return f"{jwks_url()}#{openbadges.jwk_thumbprint(private_key_pem)}"


# --- Public facts -----------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def kind_label(certificate: Certificate) -> str:
    """The programme type line as printed, or the kind's name."""
    label = (certificate.snapshot or {}).get("programme_kind_label")
    if label:
        return label
    try:
        return str(ProgrammeKind(certificate.programme_kind).label)
    except ValueError:
        return certificate.programme_kind


def issued_on(certificate: Certificate) -> dt.date:
    stored = (certificate.snapshot or {}).get("date_issued")
    if stored:
        return dt.date.fromisoformat(stored)
    return timezone.localdate(certificate.issued_at)


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def certificate_facts(certificate: Certificate) -> dict[str, Any]:
    """What the verification page shows, in Ukrainian as printed on the PDF.

    Only what the certificate itself states: no e-mail, no account.
    """
    snapshot = certificate.snapshot or {}
    started = _as_date(certificate.date_started)
    completed = _as_date(certificate.date_completed)
    if started and completed and started <= completed:
        period = period_uk(started, completed)
    else:
        period = date_uk(completed) if completed else ""
    return {
        "code": certificate.code,
        "registration_number": certificate.registration_number,
        "full_name": certificate.full_name,
        "programme_title": certificate.programme_title,
        "programme_kind": certificate.programme_kind,
        "kind_label": kind_label(certificate),
        "volume": credits_and_hours(certificate.ects, certificate.hours),
        "period": period,
        "issued": date_uk(issued_on(certificate)),
        "issuer_name": certificate.issuer_name,
        "issuer_code": snapshot.get("issuer_code") or "",
        "signatory_name": snapshot.get("signatory_name") or "",
        "signatory_position": snapshot.get("signatory_position") or "",
        "form_of_study": snapshot.get("form_of_study") or "",
        "outcomes": list(snapshot.get("outcomes") or []),
        "revoked_on": (
            date_uk(timezone.localdate(certificate.revoked_at))
            if certificate.revoked_at
            else ""
        ),
    }


def certificate_public_json(certificate: Certificate) -> dict[str, Any]:
    """The verification JSON (``verify/<code>.json``): same facts as the page."""
    snapshot = certificate.snapshot or {}
    revoked = certificate.status == CertificateStatus.REVOKED
    successor = getattr(certificate, "superseded_by_code", None)
    started = _as_date(certificate.date_started)
    completed = _as_date(certificate.date_completed)
    return {
        "status": certificate.status,
        "code": certificate.code,
        "registration_number": certificate.registration_number,
        "name": certificate.full_name,
        "programme": certificate.programme_title,
        "kind": certificate.programme_kind,
        "kind_label": kind_label(certificate),
        "hours": _number(certificate.hours),
        "ects": _number(certificate.ects),
        "volume": credits_and_hours(certificate.ects, certificate.hours),
        "date_started": started.isoformat() if started else None,
        "date_completed": completed.isoformat() if completed else None,
        "date_issued": issued_on(certificate).isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issuer": {
            "name": certificate.issuer_name,
            "code": snapshot.get("issuer_code") or None,
            "profile": issuer_profile_url(),
        },
        "signatory": {
            "name": snapshot.get("signatory_name") or None,
            "position": snapshot.get("signatory_position") or None,
        },
        "signed": certificate.signed,
        "pdf_sha256": certificate.pdf_sha256,
        "revoked_at": (
            certificate.revoked_at.isoformat()
            if revoked and certificate.revoked_at
            else None
        ),
        "revoked_reason": certificate.revoked_reason if revoked else None,
        "superseded_by": (
            {"code": successor, "verify_url": verify_url(successor)}
            if successor
            else None
        ),
        "verify_url": verify_url(certificate.code),
    }


def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "Add licence or certification" link, pre-filled."""
    issued = issued_on(certificate)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.programme_title,
        "organizationName": certificate.issuer_name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verify_url(certificate.code),
        "certId": certificate.code,
    }
    return f"{LINKEDIN_ADD_URL}?{urlencode(query)}"


# --- Open Badges 3.0 --------------------------------------------------------------


def issuer_display_name() -> str:
    """The issuer's name for the OB issuer profile: the short programmes'
    template, else the certificate programmes', else the site name."""
    names = dict(
        CertificateTemplate.objects.exclude(issuer_name="").values_list(
            "programme_kind", "issuer_name"
        )
    )
    return (
        names.get(ProgrammeKind.SHORT)
        or names.get(ProgrammeKind.CERTIFICATE)
        or getattr(settings, "WAGTAIL_SITE_NAME", "")
        or conf.public_url()
    )


def issuer_profile(*, name: str | None = None) -> dict[str, Any]:
    """OB 3.0 ``Profile`` of the issuer, published at ``issuer.json``."""
    profile: dict[str, Any] = {
        "@context": list(openbadges.CONTEXTS),
        "id": issuer_profile_url(),
        "type": ["Profile"],
        "name": name or issuer_display_name(),
        "url": conf.public_url(),
    }
    codes = sorted(
        set(
            CertificateTemplate.objects.exclude(issuer_code="").values_list(
                "issuer_code", flat=True
            )
        )
    )
    if codes:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": code,
                "identifierType": "identifier",
            }
            for code in codes
        ]
    return profile


def _achievement_texts(certificate: Certificate) -> tuple[str, str]:
    volume = credits_and_hours(certificate.ects, certificate.hours)
    description = f"{kind_label(certificate)}. Обсяг: {volume}."
    criteria = (
        f"Успішне завершення програми «{certificate.programme_title}» "
        f"({volume}) у {certificate.issuer_name}."
    )
    return description, criteria


def achievement_document(certificate: Certificate) -> dict[str, Any]:
    """OB 3.0 ``Achievement`` of the certificate's programme (public JSON).

    Identical to the ``achievement`` inside the certificate's credential, plus
    the JSON-LD context and the creator.
    """
    description, criteria = _achievement_texts(certificate)
    document: dict[str, Any] = {
        "@context": list(openbadges.CONTEXTS),
        "id": achievement_url(certificate.code),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.programme_title,
        "description": description,
        "criteria": {"narrative": criteria},
        "inLanguage": "uk",
        "creator": {
            "id": issuer_profile_url(),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": conf.public_url(),
        },
    }
    if certificate.ects is not None:
        document["creditsAvailable"] = float(certificate.ects)
    return document


def credential_document(certificate: Certificate) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` for a certificate.

    Deterministic: built from the stored record only, ``validFrom`` is the
    issue time. The learner is named (as on the PDF); the e-mail is left out,
    because the stored record has none and a hash of it would identify the
    learner across credentials.
    """
    description, criteria = _achievement_texts(certificate)
    return openbadges.build_credential(
        credential_id=verify_url(certificate.code),
        issuer_id=issuer_profile_url(),
        issuer_name=certificate.issuer_name,
        issuer_url=conf.public_url(),
        achievement_id=achievement_url(certificate.code),
        achievement_name=certificate.programme_title,
        achievement_description=description,
        criteria=criteria,
        credits=certificate.ects,
        hours=certificate.hours,
        subject_name=certificate.full_name,
        subject_email=None,
        salt="",
        valid_from=certificate.issued_at,
    )
