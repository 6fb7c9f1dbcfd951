"""Every state change of a certificate: issue, revoke, reissue, e-mail, bulk issue.

Views, admin actions, commands and the ``programme_completed`` receiver all
call these functions; none writes a certificate itself.

Issuing is exactly-once: the year's registration counter row is locked first,
so parallel issues for the same learner and programme queue behind each other
and the second one finds the first's certificate; a partial unique constraint
(one *valid* certificate per learner and programme) backs this up. Because the
number is taken inside the same transaction as the insert, a failed issue
gives it back: registration numbers are unique and gap-free per year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wagtail.log_actions import log

from courses.choices import EnrolmentStatus, ProgrammeKind
from courses.models import Enrolment, LearnerProfile, ProgrammePage

from . import codes, conf, pdf, permissions, selectors
from .models import (
    BulkIssueJob,
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    RegistrationCounter,
)

logger = logging.getLogger(__name__)

ERR_NO_TEMPLATE = gettext_noop(
    "No certificate template for “%(kind)s” programmes. Create one in the admin: "
    "Certificates → Certificate templates."
)
ERR_NOT_COMPLETED = gettext_noop("%(name)s has not completed “%(programme)s”.")
ERR_SIGNING = gettext_noop(
    "Certificates cannot be issued: signing is switched on but the signing key is "
    "missing (%(detail)s). Run “python manage.py certificates_keygen” on the server "
    "or set LMS_CERTIFICATES_KEY_DIR."
)
ERR_NO_NAME = gettext_noop(
    "%(username)s has no name in their profile; a certificate prints the full "
    "name (surname, given name, patronymic). Ask them to fill in their profile."
)
ERR_REASON = gettext_noop("Give a reason.")
ERR_REVOKE_NOT_VALID = gettext_noop("Only a valid certificate can be revoked.")
ERR_REISSUE_NOT_VALID = gettext_noop("Only a valid certificate can be reissued.")


def _local_date(value):
    return timezone.localdate(value) if value else None


def learner_full_name(user) -> str:
    """The name as HR records hold it: surname, given name, patronymic."""
    profile = LearnerProfile.objects.filter(user=user).first()
    name = profile.full_name if profile else ""
    return name or user.get_full_name().strip()


def template_for(programme: ProgrammePage) -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(programme_kind=programme.kind).first()
    if template is None:
        raise ValidationError(
            _(ERR_NO_TEMPLATE) % {"kind": ProgrammeKind(programme.kind).label}
        )
    return template


def _image_bytes(image) -> bytes | None:
    if image is None:
        return None
    try:
        with image.file.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        logger.warning("certificate template image %s is unreadable", image.pk)
        return None


def _programme_outcomes(programme: ProgrammePage) -> list[str]:
    return [str(block.value) for block in programme.outcomes if str(block.value)]


def build_snapshot(
    *,
    template: CertificateTemplate,
    programme: ProgrammePage,
    full_name: str,
    date_started,
    date_completed,
    date_issued,
    code: str,
    registration_number: str,
) -> dict:
    """Everything printed, as JSON-safe values (images are not part of it)."""
    is_cert = programme.kind == ProgrammeKind.CERTIFICATE
    return {
        "full_name": " ".join(full_name.split()),
        "programme_title": programme.title,
        "programme_kind": programme.kind,
        "programme_kind_label": template.kind_label,
        "hours": str(programme.hours),
        "ects": str(Decimal(str(programme.ects)).quantize(Decimal("0.1")))
        if (is_cert and programme.ects)
        else None,
        "date_started": date_started.isoformat() if date_started else None,
        "date_completed": date_completed.isoformat(),
        "date_issued": date_issued.isoformat(),
        "issuer_name": template.issuer_name,
        "issuer_code": template.issuer_code,
        "title_text": template.title_text,
        "wording": template.wording,
        "form_of_study": template.form_of_study,
        "signatory_name": template.signatory_name,
        "signatory_position": template.signatory_position,
        "registration_number": registration_number,
        "code": code,
        "verify_url": selectors.verify_url(code),
        "outcomes": _programme_outcomes(programme) if template.include_outcomes else [],
        "colours": {
            "primary": template.colour_primary,
            "accent": template.colour_accent,
        },
    }


def snapshot_to_pdf_input(
    data: dict, *, logo: bytes | None = None, signature_image: bytes | None = None
) -> pdf.CertificateSnapshot:
    """Turn the stored JSON snapshot into the renderer's dataclass."""
    values = dict(data)
    for key in ("date_started", "date_completed", "date_issued"):
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    values["hours"] = Decimal(values["hours"])
    if values["hours"] == values["hours"].to_integral_value():
        values["hours"] = int(values["hours"])
    values["ects"] = Decimal(values["ects"]) if values.get("ects") else None
    values["colours"] = pdf.CertificateColours(**values["colours"])
    values["outcomes"] = tuple(values.get("outcomes") or ())
    values["logo"] = logo
    values["signature_image"] = signature_image
    accepted = {f.name for f in dataclasses.fields(pdf.CertificateSnapshot)}
    return pdf.CertificateSnapshot(**{k: v for k, v in values.items() if k in accepted})


def render_pdf(
    data: dict, *, template: CertificateTemplate | None
) -> tuple[bytes, bool]:
    """Render (and sign, when switched on) a snapshot. Returns (bytes, signed)."""
    snapshot = snapshot_to_pdf_input(
        data,
        logo=_image_bytes(template.logo) if template else None,
        signature_image=_image_bytes(template.signature_image) if template else None,
    )
    try:
        document = pdf.render_certificate(snapshot)
    except pdf.CertificateLayoutError as exc:
        raise ValidationError(
            _("The certificate text does not fit the page: %(error)s") % {"error": exc}
        ) from exc
    if not conf.signing_enabled():
        return document, False
    from . import signing

    return signing.sign_pdf(document, signer=signing_signer()), True


def signing_signer():
    """The loaded signer, or a clear ``ValidationError`` for the admin."""
    from . import signing

    try:
        return signing.load_signer(conf.key_dir())
    except signing.SigningKeyMissing as exc:
        raise ValidationError(_(ERR_SIGNING) % {"detail": exc}) from exc


def ensure_can_issue() -> None:
    """Fail fast (before any lock) when issuing is impossible."""
    if conf.signing_enabled():
        signing_signer()


def _lock_counter(year: int) -> RegistrationCounter:
    """The year's counter row, locked until the transaction ends.

    Taken before looking for an existing certificate, it serialises issuing:
    whoever comes second waits here and then sees the first one's certificate.
    """
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(year=year)], ignore_conflicts=True
    )
    return RegistrationCounter.objects.select_for_update().get(year=year)


def _unused_code() -> str:
    for _attempt in range(10):
        code = codes.generate_code()
        if not Certificate.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find an unused certificate code")  # 2**-80 odds


def _create(
    *,
    user,
    full_name: str,
    programme: ProgrammePage,
    template: CertificateTemplate,
    enrolment: Enrolment | None,
    actor,
    now: dt.datetime,
    counter: RegistrationCounter,
) -> Certificate:
    """Insert a new certificate; the caller holds the transaction and the locked
    counter of the year of ``now``."""
    issued_on = timezone.localdate(now)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    number = counter.last_number
    code = _unused_code()
    reg = codes.registration_number(issued_on.year, number)
    date_completed = _local_date(enrolment.completed_at) if enrolment else None
    data = build_snapshot(
        template=template,
        programme=programme,
        full_name=full_name,
        date_started=_local_date(enrolment.created_at) if enrolment else None,
        date_completed=date_completed or issued_on,
        date_issued=issued_on,
        code=code,
        registration_number=reg,
    )
    document, signed = render_pdf(data, template=template)
    certificate = Certificate.objects.create(
        code=code,
        year=issued_on.year,
        number=number,
        registration_number=reg,
        user=user,
        programme=programme,
        template=template,
        full_name=data["full_name"],
        search_name=codes.search_key(data["full_name"]),
        programme_title=data["programme_title"],
        programme_kind=programme.kind,
        hours=Decimal(data["hours"]),
        ects=Decimal(data["ects"]) if data["ects"] else None,
        date_started=data["date_started"],
        date_completed=data["date_completed"],
        issued_at=now,
        issuer_name=data["issuer_name"],
        snapshot=data,
        pdf=document,
        pdf_sha256=hashlib.sha256(document).hexdigest(),
        signed=signed,
        issued_by=actor,
    )
    return certificate


def _completed_enrolment(user, programme) -> Enrolment | None:
    return Enrolment.objects.filter(
        user=user, programme=programme, status=EnrolmentStatus.COMPLETED
    ).first()


def certificate_issue(
    *, user, programme: ProgrammePage, actor=None
) -> tuple[Certificate, bool]:
    """Issue ``user``'s certificate for ``programme``; returns (certificate, created).

    ``actor=None`` is the automatic issue on completion: it never issues again
    once any certificate exists (a revoked one stays revoked). A certificate
    admin (``actor``) gets the valid certificate back if there is one, or a new
    one — e.g. after a revocation — as long as the learner has completed.
    """
    if actor is not None and not permissions.can_issue(actor):
        raise PermissionDenied(_("You cannot issue certificates."))
    programme = programme.specific if hasattr(programme, "specific") else programme
    enrolment = _completed_enrolment(user, programme)
    full_name = learner_full_name(user)
    if enrolment is None:
        raise ValidationError(
            _(ERR_NOT_COMPLETED)
            % {
                "name": full_name or user.get_username(),
                "programme": programme.title,
            }
        )
    if not full_name:
        raise ValidationError(_(ERR_NO_NAME) % {"username": user.get_username()})
    template = template_for(programme)
    ensure_can_issue()
    try:
        with transaction.atomic():
            now = timezone.now()
            counter = _lock_counter(timezone.localdate(now).year)
            existing = Certificate.objects.filter(user=user, programme=programme)
            found = existing.filter(status=CertificateStatus.VALID).first()
            if found is None and actor is None:
                found = existing.order_by("-issued_at").first()
            if found is not None:
                return found, False
            certificate = _create(
                user=user,
                full_name=full_name,
                programme=programme,
                template=template,
                enrolment=enrolment,
                actor=actor,
                now=now,
                counter=counter,
            )
            log(
                instance=certificate,
                action="certificates.issue",
                user=actor,
                data={
                    "registration_number": certificate.registration_number,
                    "automatic": actor is None,
                },
            )
            _email_on_commit(certificate.pk)
    except IntegrityError:
        # Another process inserted the valid certificate between our check and
        # insert (only possible if the counter lock was bypassed): return it.
        found = Certificate.objects.filter(
            user=user, programme=programme, status=CertificateStatus.VALID
        ).first()
        if found is None:
            raise
        return found, False
    logger.info(
        "certificate %s issued to user %s for programme %s",
        certificate.registration_number,
        user.pk,
        programme.pk,
    )
    return certificate, True


def certificate_issue_on_completion(*, enrolment: Enrolment) -> Certificate | None:
    """The ``programme_completed`` receiver's work; never breaks the learner's
    request — a failure is logged for the certificate admins to issue by hand."""
    try:
        certificate, _created = certificate_issue(
            user=enrolment.user, programme=enrolment.programme, actor=None
        )
    except (ValidationError, PermissionDenied, IntegrityError) as exc:
        logger.error("certificate not issued for enrolment %s: %s", enrolment.pk, exc)
        return None
    return certificate


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    if not permissions.can_revoke(actor):
        raise PermissionDenied(_("You cannot revoke certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _(ERR_REASON)})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            return locked
        if locked.status != CertificateStatus.VALID:
            raise ValidationError(_(ERR_REVOKE_NOT_VALID))
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoked_reason = reason
        locked.save(
            update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"]
        )
        log(
            instance=locked,
            action="certificates.revoke",
            user=actor,
            data={"reason": reason},
        )
    logger.info("certificate %s revoked by %s", locked.registration_number, actor.pk)
    return locked


def certificate_reissue(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Issue a corrected certificate (e.g. after a name correction in the learner's
    profile); the old one becomes *superseded* and points to the new one."""
    if not permissions.can_revoke(actor):
        raise PermissionDenied(_("You cannot reissue certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _(ERR_REASON)})
    if certificate.user is None or certificate.programme is None:
        raise ValidationError(
            _("The learner or the programme no longer exists; revoke instead.")
        )
    full_name = learner_full_name(certificate.user)
    if not full_name:
        raise ValidationError(
            _(ERR_NO_NAME) % {"username": certificate.user.get_username()}
        )
    programme = certificate.programme.specific
    template = template_for(programme)
    ensure_can_issue()
    with transaction.atomic():
        now = timezone.now()
        counter = _lock_counter(timezone.localdate(now).year)
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != CertificateStatus.VALID:
            raise ValidationError(_(ERR_REISSUE_NOT_VALID))
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status"])
        enrolment = Enrolment.objects.filter(
            user=old.user, programme=old.programme
        ).first()
        new = _create(
            user=old.user,
            full_name=full_name,
            programme=programme,
            template=template,
            enrolment=enrolment,
            actor=actor,
            now=now,
            counter=counter,
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        log(
            instance=old,
            action="certificates.supersede",
            user=actor,
            data={"reason": reason, "new": new.registration_number},
        )
        log(
            instance=new,
            action="certificates.reissue",
            user=actor,
            data={"reason": reason, "old": old.registration_number},
        )
        _email_on_commit(new.pk)
    logger.info(
        "certificate %s reissued as %s by %s",
        old.registration_number,
        new.registration_number,
        actor.pk,
    )
    return new


# --- E-mail ---------------------------------------------------------------------


def _email_on_commit(certificate_id: int) -> None:
    from .tasks import email_certificate_task

    transaction.on_commit(lambda: email_certificate_task.enqueue(certificate_id))


def certificate_email(*, certificate_id: int) -> bool:
    """Send the learner the verification link once; returns whether it was sent.

    The ``emailed_at`` stamp is claimed with a conditional update before sending,
    so parallel or repeated runs send one e-mail; an SMTP failure releases the
    claim so a retry sends it.
    """
    certificate = (
        Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    )
    if certificate is None or certificate.user is None or not certificate.user.email:
        return False
    now = timezone.now()
    claimed = Certificate.objects.filter(
        pk=certificate_id, emailed_at__isnull=True
    ).update(emailed_at=now)
    if not claimed:
        return False
    context = {
        "certificate": certificate,
        "verify_url": selectors.verify_url(certificate.code),
        "pdf_url": conf.public_url()
        + reverse("certificates:pdf", args=[certificate.code]),
        "my_url": conf.public_url() + reverse("certificates_learner:mine"),
    }
    try:
        send_mail(
            subject=render_to_string(
                "certificates/email/issued_subject.txt", context
            ).strip(),
            message=render_to_string("certificates/email/issued.txt", context),
            from_email=None,
            recipient_list=[certificate.user.email],
        )
    except Exception:
        Certificate.objects.filter(pk=certificate_id, emailed_at=now).update(
            emailed_at=None
        )
        logger.exception("certificate e-mail failed for %s", certificate_id)
        raise
    log(instance=certificate, action="certificates.email", user=None)
    return True


# --- Bulk issue -------------------------------------------------------------------


def completed_without_certificate(programme: ProgrammePage):
    """Users who completed ``programme`` and have no valid certificate for it."""
    User = get_user_model()
    return User.objects.filter(
        enrolments__programme=programme,
        enrolments__status=EnrolmentStatus.COMPLETED,
    ).exclude(
        certificates__programme=programme,
        certificates__status=CertificateStatus.VALID,
    )


def bulk_issue_start(*, programme: ProgrammePage, actor, user_ids=None) -> BulkIssueJob:
    """Queue issuing for many learners (default: everyone who completed and has no
    valid certificate); the job row shows progress while it runs."""
    if not permissions.can_issue(actor):
        raise PermissionDenied(_("You cannot issue certificates."))
    template_for(programme)
    ensure_can_issue()
    if user_ids is None:
        user_ids = list(
            completed_without_certificate(programme)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    user_ids = sorted({int(pk) for pk in user_ids})
    job = BulkIssueJob.objects.create(
        programme=programme, created_by=actor, user_ids=user_ids, total=len(user_ids)
    )
    log(
        instance=programme,
        action="certificates.bulk_issue",
        user=actor,
        data={"job": job.pk, "learners": len(user_ids)},
    )
    from .tasks import enqueue_bulk_issue

    enqueue_bulk_issue(job.pk)
    return job


def bulk_issue_run(*, job_id: int) -> BulkIssueJob:
    """Work through a bulk job, one learner per transaction, saving progress."""
    User = get_user_model()
    job = BulkIssueJob.objects.select_related("programme", "created_by").get(pk=job_id)
    if job.status in (BulkIssueJob.Status.DONE, BulkIssueJob.Status.RUNNING):
        return job
    job.status = BulkIssueJob.Status.RUNNING
    job.save(update_fields=["status"])
    programme = job.programme.specific
    users = {u.pk: u for u in User.objects.filter(pk__in=job.user_ids)}
    for user_id in job.user_ids[job.processed :]:
        user = users.get(user_id)
        try:
            if user is None:
                raise ValidationError(_("The account no longer exists."))
            _cert, created = certificate_issue(
                user=user, programme=programme, actor=job.created_by
            )
            if created:
                job.issued += 1
            else:
                job.skipped += 1
        except (ValidationError, PermissionDenied) as exc:
            job.failed += 1
            message = "; ".join(getattr(exc, "messages", [str(exc)]))
            job.errors = [*job.errors, {"user": user_id, "error": message}][-200:]
        job.processed += 1
        job.save(update_fields=["processed", "issued", "skipped", "failed", "errors"])
    job.status = BulkIssueJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    logger.info(
        "bulk issue %s finished: %s issued, %s skipped, %s failed",
        job.pk,
        job.issued,
        job.skipped,
        job.failed,
    )
    return job
