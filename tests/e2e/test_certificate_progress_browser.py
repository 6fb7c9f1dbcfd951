"""The bulk issue progress page updates itself (a real browser polls the JSON)."""

from __future__ import annotations

import os

from django.urls import reverse

import pytest

from certificates.models import BulkIssueJob
from tests.certificates.admin.conftest import user_with_perms
from tests.e2e.helpers import login_as
from tests.factories import build_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tree(catalogue):
    return build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, title="Бюджет участі"
    )


def test_progress_page_polls_until_finished(page, live_server, tree):
    issuer = user_with_perms("issuer", "issue_certificate")
    job = BulkIssueJob.objects.create(
        programme=tree.programme,
        created_by=issuer,
        status=BulkIssueJob.Status.RUNNING,
        total=4,
        processed=1,
        issued=1,
    )
    login_as(page, live_server, issuer)
    page.goto(live_server.url + reverse("certificate_issue:job", args=[job.pk]))
    assert page.locator('[data-job="processed"]').inner_text() == "1"
    assert page.locator("progress").get_attribute("value") == "25"

    BulkIssueJob.objects.filter(pk=job.pk).update(
        processed=3, issued=2, failed=1, errors=[{"user": issuer.pk, "error": "Збій"}]
    )
    page.wait_for_function(
        "document.querySelector('[data-job=\"processed\"]').textContent === '3'"
    )
    assert page.locator("progress").evaluate("el => el.value") == 75
    assert "Збій" in page.locator('[data-job="errors"]').inner_text()

    BulkIssueJob.objects.filter(pk=job.pk).update(
        processed=4, issued=3, status=BulkIssueJob.Status.DONE
    )
    # finished: the page reloads once and stops polling
    page.wait_for_selector('#bulk-job[data-finished="1"]')
    assert page.locator('[data-job="processed"]').inner_text() == "4"
    assert page.locator("progress").get_attribute("value") == "100"
