"""Issuing from the admin: one learner, everyone (a job), progress JSON."""

from __future__ import annotations

from django.urls import reverse

import pytest

from certificates import services
from certificates.models import (
    BulkIssueJob,
    Certificate,
    CertificateStatus,
    CertificateTemplate,
)

from .conftest import admin_client

pytestmark = pytest.mark.django_db


def programme_url(tree) -> str:
    return reverse("certificate_issue:programme", args=[tree.programme.pk])


def test_index_lists_programmes_with_waiting_counts(
    certadmin, completed_learners, tree, other_tree
):
    response = admin_client(certadmin).get(reverse("certificate_issue:index"))
    assert response.status_code == 200
    rows = {row["programme"].pk: row for row in response.context["rows"]}
    assert rows[tree.programme.pk]["pending"] == 3
    assert rows[other_tree.programme.pk]["pending"] == 0
    assert programme_url(tree) in response.content.decode()


def test_programme_page_lists_waiting_learners(
    certadmin, completed_learners, tree, unsigned
):
    services.certificate_issue(
        user=completed_learners[2], programme=tree.programme, actor=certadmin
    )
    response = admin_client(certadmin).get(programme_url(tree))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 learners completed the programme" in html
    assert "Ґалаґан Ївга Юріївна" in html and "Коваль Мар&#x27;яна Петрівна" in html
    assert "Бондар Олесь" not in html  # already has a valid certificate
    assert "Issue to all 2" in html


def test_get_issues_nothing(certadmin, completed_learners, tree, unsigned):
    client = admin_client(certadmin)
    client.get(programme_url(tree))
    client.get(reverse("certificate_issue:bulk", args=[tree.programme.pk]))
    assert not Certificate.objects.exists()
    assert not BulkIssueJob.objects.exists()


def test_issue_one_learner(certadmin, completed_learners, tree, unsigned):
    client = admin_client(certadmin)
    learner = completed_learners[1]
    response = client.post(programme_url(tree), {"user_id": learner.pk})
    assert response.status_code == 302 and response.url == programme_url(tree)
    certificate = Certificate.objects.get()
    assert certificate.user == learner and certificate.issued_by == certadmin
    page = client.get(response.url).content.decode()
    assert f"Certificate № {certificate.registration_number} issued" in page
    # the same POST again does not issue twice
    client.post(programme_url(tree), {"user_id": learner.pk})
    assert Certificate.objects.count() == 1


def test_issue_error_is_a_message(certadmin, completed_learners, tree, unsigned):
    CertificateTemplate.objects.all().delete()
    client = admin_client(certadmin)
    page = client.get(programme_url(tree)).content.decode()
    assert "There is no certificate template" in page
    response = client.post(programme_url(tree), {"user_id": completed_learners[0].pk})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "No certificate template" in page
    assert not Certificate.objects.exists()


def test_issue_to_someone_who_did_not_complete(certadmin, templates, tree, unsigned):
    from tests.factories.certificates import learner_with_name

    stranger = learner_with_name("stranger", surname="Чужий")
    client = admin_client(certadmin)
    response = client.post(programme_url(tree), {"user_id": stranger.pk}, follow=True)
    assert "has not completed" in response.content.decode()
    assert not Certificate.objects.exists()


def test_bulk_issue_and_progress(
    certadmin, completed_learners, tree, unsigned, django_capture_on_commit_callbacks
):
    client = admin_client(certadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificate_issue:bulk", args=[tree.programme.pk])
        )
    job = BulkIssueJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("certificate_issue:job", args=[job.pk])
    assert job.created_by == certadmin
    assert Certificate.objects.filter(status=CertificateStatus.VALID).count() == 3

    state = client.get(reverse("certificate_issue:job_status", args=[job.pk])).json()
    assert state["status"] == "done" and state["finished"] is True
    assert (state["total"], state["processed"], state["issued"]) == (3, 3, 3)
    assert state["percent"] == 100 and state["errors"] == []

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<progress class="cert-admin-progress" max="100" value="100"' in html
    assert reverse("certificate_issue:job_status", args=[job.pk]) in html
    assert "Refresh" in html
    jobs = client.get(reverse("certificate_issue:jobs")).content.decode()
    assert response.url in jobs


def test_progress_of_a_running_job_with_errors(certadmin, tree, templates):
    job = BulkIssueJob.objects.create(
        programme=tree.programme,
        created_by=certadmin,
        status=BulkIssueJob.Status.RUNNING,
        user_ids=[certadmin.pk, 999],
        total=4,
        processed=2,
        issued=1,
        failed=1,
        errors=[{"user": certadmin.pk, "error": "Немає шаблону"}],
    )
    client = admin_client(certadmin)
    state = client.get(reverse("certificate_issue:job_status", args=[job.pk])).json()
    assert state["finished"] is False and state["percent"] == 50
    assert state["errors"] == [
        {"user": certadmin.pk, "name": "certadmin", "error": "Немає шаблону"}
    ]
    html = client.get(reverse("certificate_issue:job", args=[job.pk])).content.decode()
    assert 'value="50"' in html and "Немає шаблону" in html
    assert 'data-finished="0"' in html  # the page polls


def test_bulk_with_nobody_waiting(certadmin, templates, tree, unsigned):
    client = admin_client(certadmin)
    response = client.post(
        reverse("certificate_issue:bulk", args=[tree.programme.pk]), follow=True
    )
    assert "Nobody is waiting" in response.content.decode()
    assert not BulkIssueJob.objects.exists()
