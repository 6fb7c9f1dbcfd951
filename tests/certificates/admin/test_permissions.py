"""Who reaches which certificate screen, and that refused requests change nothing.

Our views answer a logged-in admin user without the permission with a real
403 (as the course admin screens do); a learner has no admin access at all,
so Wagtail sends them to the admin login. Wagtail's own snippet views (the
templates) redirect such an admin user to the dashboard instead.
"""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.urls import reverse

from wagtail.admin.menu import admin_menu

import pytest

from certificates.models import BulkIssueJob, Certificate, CertificateStatus

from .conftest import admin_client, make_certificate, user_with_perms

pytestmark = pytest.mark.django_db

TEMPLATES_NS = "wagtailsnippets_certificates_certificatetemplate"


@pytest.fixture
def world(tree, templates, completed_learners, certadmin):
    certificate = make_certificate(
        tree.programme, "Ґалаґан Ївга Юріївна", user=completed_learners[0]
    )
    job = BulkIssueJob.objects.create(programme=tree.programme, created_by=certadmin)
    return {
        "certificate": certificate,
        "job": job,
        "tree": tree,
        "templates": templates,
    }


def view_urls(w) -> dict[str, str]:
    c, p = w["certificate"].pk, w["tree"].programme.pk
    return {
        "registry": reverse("certificate_registry:index"),
        "registry_results": reverse("certificate_registry:index_results"),
        "registry_csv": reverse("certificate_registry:index") + "?export=csv",
        "registry_xlsx": reverse("certificate_registry:index") + "?export=xlsx",
        "registry_zip": reverse("certificate_registry:index")
        + f"?programme={p}&export=zip",
        "detail": reverse("certificate_registry:detail", args=[c]),
        "pdf": reverse("certificate_registry:pdf", args=[c]),
    }


def revoke_urls(w) -> dict[str, str]:
    c = w["certificate"].pk
    return {
        "revoke": reverse("certificate_registry:revoke", args=[c]),
        "reissue": reverse("certificate_registry:reissue", args=[c]),
    }


def issue_urls(w) -> dict[str, str]:
    p, j = w["tree"].programme.pk, w["job"].pk
    return {
        "issue": reverse("certificate_issue:index"),
        "issue_programme": reverse("certificate_issue:programme", args=[p]),
        "jobs": reverse("certificate_issue:jobs"),
        "job": reverse("certificate_issue:job", args=[j]),
        "job_status": reverse("certificate_issue:job_status", args=[j]),
    }


def template_urls(w) -> dict[str, str]:
    t = w["templates"][0].pk
    return {"sample_pdf": reverse(f"{TEMPLATES_NS}:sample_pdf", args=[t])}


def all_urls(w) -> dict[str, str]:
    return {**view_urls(w), **revoke_urls(w), **issue_urls(w), **template_urls(w)}


def state(w):
    return (
        Certificate.objects.count(),
        Certificate.objects.filter(status=CertificateStatus.VALID).count(),
        BulkIssueJob.objects.count(),
    )


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(
        reverse("wagtailadmin_login")
    )


def post_everything(client, w, learner_id):
    urls = all_urls(w)
    responses = {name: client.post(url, {"reason": "x"}) for name, url in urls.items()}
    responses["issue_one"] = client.post(
        urls["issue_programme"], {"user_id": learner_id}
    )
    responses["bulk"] = client.post(
        reverse("certificate_issue:bulk", args=[w["tree"].programme.pk])
    )
    return responses


def test_trainer_gets_403_everywhere_and_changes_nothing(
    world, trainer, completed_learners
):
    client = admin_client(trainer)
    before = state(world)
    for name, url in all_urls(world).items():
        assert client.get(url).status_code == 403, name
    for name, response in post_everything(
        client, world, completed_learners[1].pk
    ).items():
        assert response.status_code == 403, name
    assert state(world) == before
    # Wagtail's snippet views redirect an admin user without permission
    response = client.get(reverse(f"{TEMPLATES_NS}:list"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_learner_is_sent_to_login_and_changes_nothing(world, completed_learners):
    client = Client()
    client.force_login(completed_learners[0])
    before = state(world)
    for name, url in {
        **all_urls(world),
        "templates": reverse(f"{TEMPLATES_NS}:list"),
    }.items():
        assert is_login_redirect(client.get(url)), name
    for name, response in post_everything(
        client, world, completed_learners[1].pk
    ).items():
        assert is_login_redirect(response), name
    assert state(world) == before


def test_anonymous_is_sent_to_login(world):
    client = Client()
    for name, url in all_urls(world).items():
        assert is_login_redirect(client.get(url)), name


def test_viewer_reads_the_registry_but_cannot_issue_or_revoke(
    world, viewer, completed_learners
):
    client = admin_client(viewer)
    for name, url in view_urls(world).items():
        assert client.get(url).status_code == 200, name
    before = state(world)
    for name, url in {**revoke_urls(world), **issue_urls(world)}.items():
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"reason": "x"}).status_code == 403, name
    response = client.post(
        issue_urls(world)["issue_programme"], {"user_id": completed_learners[1].pk}
    )
    assert response.status_code == 403
    assert state(world) == before


def test_issuer_issues_but_cannot_read_the_registry_or_revoke(world):
    issuer = user_with_perms("issuer", "issue_certificate")
    client = admin_client(issuer)
    for name, url in issue_urls(world).items():
        assert client.get(url).status_code == 200, name
    for name, url in {**view_urls(world), **revoke_urls(world)}.items():
        assert client.get(url).status_code == 403, name


def test_state_changes_are_post_only(world, certadmin):
    client = admin_client(certadmin)
    before = state(world)
    assert client.get(revoke_urls(world)["revoke"] + "?reason=x").status_code == 200
    assert (
        client.get(
            reverse("certificate_issue:bulk", args=[world["tree"].programme.pk])
        ).status_code
        == 405
    )
    assert state(world) == before


def test_post_without_csrf_token_is_refused(world, certadmin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(certadmin)
    response = client.post(revoke_urls(world)["revoke"], {"reason": "x"})
    assert response.status_code == 403
    world["certificate"].refresh_from_db()
    assert world["certificate"].status == CertificateStatus.VALID


def menu_names(user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    names = set()
    for item in admin_menu.menu_items_for_request(request):
        names.add(item.name)
        menu = getattr(item, "menu", None)
        if menu is not None:
            names |= {sub.name for sub in menu.menu_items_for_request(request)}
    return names


def test_menu_group(world, certadmin, viewer, trainer, superuser):
    everything = {
        "certificates",
        "certificate-templates",
        "certificate-registry",
        "certificate-issue",
    }
    assert everything <= menu_names(superuser)
    certadmin_menu = menu_names(certadmin)
    assert {
        "certificates",
        "certificate-registry",
        "certificate-issue",
    } <= certadmin_menu
    assert "certificate-templates" not in certadmin_menu  # no template permissions
    viewer_menu = menu_names(viewer)
    assert "certificate-registry" in viewer_menu
    assert "certificate-issue" not in viewer_menu
    assert not everything & menu_names(trainer)
