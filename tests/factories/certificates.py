"""Certificate templates and completed learners, for certificate tests."""

from __future__ import annotations

import factory

from certificates.models import CertificateTemplate
from courses import services as course_services
from courses.choices import ProgrammeKind
from courses.models import LearnerProfile

from .users import UserFactory


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate
        django_get_or_create = ("programme_kind",)

    name = factory.LazyAttribute(lambda o: f"Шаблон: {o.programme_kind}")
    programme_kind = ProgrammeKind.SHORT
    title_text = factory.LazyAttribute(
        lambda o: (
            "СЕРТИФІКАТ"
            if o.programme_kind == ProgrammeKind.CERTIFICATE
            else "СЕРТИФІКАТ УЧАСНИКА"
        )
    )
    kind_label = factory.LazyAttribute(
        lambda o: (
            "професійна (сертифікатна) програма підвищення кваліфікації"
            if o.programme_kind == ProgrammeKind.CERTIFICATE
            else "коротка програма для активної громадськості"
        )
    )
    issuer_name = "Громадська організація «Громада, що діє»"
    issuer_code = "12345678"
    signatory_name = "Ганна ЛИСЕНКО"
    signatory_position = "Голова правління"


def learner_with_name(
    username: str, *, surname="Ґалаґан", given="Ївга", patronymic="Юріївна"
):
    user = UserFactory(username=username)
    LearnerProfile.objects.update_or_create(
        user=user,
        defaults={"surname": surname, "given_name": given, "patronymic": patronymic},
    )
    return user


def complete_programme(user, tree) -> None:
    """Enrol ``user`` and complete every lesson of ``tree`` through the services
    (which fires ``programme_completed`` on commit)."""
    course_services.enrolment_create(user=user, programme=tree.programme)
    for lesson in tree.lessons:
        course_services.item_complete(user=user, item=lesson)
