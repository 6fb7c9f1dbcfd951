"""The dashboard and the programme page link to the certificate of a completed
programme (through the courses extension hook: courses never imports us)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.translation import gettext

import pytest

from certificates import services
from certificates.models import Certificate
from courses.choices import ProgrammeKind
from tests.factories import UserFactory, build_programme
from tests.factories.certificates import (
    CertificateTemplateFactory,
    complete_programme,
    learner_with_name,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(catalogue, signing_keys, django_capture_on_commit_callbacks):
    CertificateTemplateFactory(programme_kind=ProgrammeKind.SHORT)
    tree = build_programme(parent=catalogue, modules=1, lessons_per_module=1)
    user = learner_with_name("holder")
    with django_capture_on_commit_callbacks(execute=True):
        complete_programme(user, tree)
    return user, tree, Certificate.objects.get(user=user)


def _pdf_url(certificate):
    return reverse("certificates:pdf", args=[certificate.code])


def test_dashboard_links_to_the_certificate(client, certified):
    user, _tree, certificate = certified
    client.force_login(user)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert _pdf_url(certificate) in html
    assert reverse("certificates:verify", args=[certificate.code]) in html
    assert gettext("Download the certificate (PDF)") in html


def test_programme_page_links_to_the_certificate(client, certified):
    user, tree, certificate = certified
    client.force_login(user)
    html = client.get(tree.programme.url).content.decode()
    assert _pdf_url(certificate) in html


def test_no_link_for_others_or_after_revocation(client, certified):
    user, tree, certificate = certified
    other = UserFactory(username="other-learner")
    client.force_login(other)
    assert _pdf_url(certificate) not in client.get(tree.programme.url).content.decode()

    admin = UserFactory(username="revoker")
    admin.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    services.certificate_revoke(certificate=certificate, actor=admin, reason="тест")
    client.force_login(user)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert _pdf_url(certificate) not in html


def test_dashboard_adds_one_query_for_certificates(
    client, certified, django_assert_max_num_queries
):
    user, _tree, _certificate = certified
    client.force_login(user)
    with django_assert_max_num_queries(11):
        client.get(reverse("courses:dashboard"))
