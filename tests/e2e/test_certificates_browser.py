"""Certificate pages in Chromium: axe-core finds nothing, pages fit a phone.

Screenshots go to the temporary directory's ``certshots/`` (``/tmp/certshots``;
``$LMS_CERT_SHOTS`` moves it) for people to look at: the verification page at
390 x 844 in each status, "check a file" with a result and with an error, and
"My certificates" at phone and desktop widths.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import DESKTOP, login_as
from tests.e2e.test_accessibility import format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_844 = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("LMS_CERT_SHOTS") or tempfile.gettempdir()) / "certshots"
AXE = Axe()


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    from certificates import signing

    directory = tmp_path_factory.mktemp("cert-keys") / "keys"
    signing.generate_keys(
        directory, organisation="Тестовий видавець", common_name="Тест: сертифікати"
    )
    return directory


@pytest.fixture
def issued(settings, key_dir, live_server, demo_site, make_learner):
    """A learner with a valid, a revoked and a superseded certificate."""
    from django.contrib.auth.models import Permission

    from certificates import services
    from certificates.models import Certificate
    from courses.choices import ProgrammeKind
    from courses.models import LearnerProfile
    from tests.factories import UserFactory, build_programme
    from tests.factories.certificates import (
        CertificateTemplateFactory,
        complete_programme,
    )

    settings.LMS_CERTIFICATES_SIGNING = True
    settings.LMS_CERTIFICATES_KEY_DIR = str(key_dir)
    settings.LMS_PUBLIC_URL = live_server.url
    settings.LMS_CERTIFICATES_VERIFY_RATE = (1000, 60)
    for kind in (ProgrammeKind.SHORT, ProgrammeKind.CERTIFICATE):
        CertificateTemplateFactory(programme_kind=kind)
    admin = UserFactory(username="certadmin")
    for codename in ("issue_certificate", "revoke_certificate", "view_certificate"):
        admin.user_permissions.add(Permission.objects.get(codename=codename))

    catalogue = demo_site["catalogue"]
    professional = build_programme(
        parent=catalogue,
        modules=1,
        lessons_per_module=1,
        title="Публічні консультації та бюджет участі в територіальній громаді",
        kind=ProgrammeKind.CERTIFICATE,
        hours=90,
        ects=3,
    )
    short = build_programme(
        parent=catalogue, modules=1, lessons_per_module=1, title="Громадські слухання"
    )
    user = make_learner("olena")

    def work() -> dict:
        complete_programme(user, professional)
        complete_programme(user, short)
        first = Certificate.objects.get(user=user, programme=professional.programme)
        LearnerProfile.objects.filter(user=user).update(surname="Коваленко-Шевчук")
        valid = services.certificate_reissue(
            certificate=first, actor=admin, reason="Зміна прізвища"
        )
        revoked = services.certificate_revoke(
            certificate=Certificate.objects.get(user=user, programme=short.programme),
            actor=admin,
            reason="Навчання не було завершено: помилка в журналі",
        )
        first.refresh_from_db()
        return {"user": user, "valid": valid, "revoked": revoked, "superseded": first}

    return in_thread(work)


def in_thread(work):
    """Run ``work`` in a thread of its own and return its result.

    Signing a PDF runs pyHanko's event loop (``asyncio.run``), which cannot
    start in this thread while Playwright's loop is running here.
    """
    from django.db import connection

    result: dict = {}

    def target() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the test thread
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def check_page(page, name: str, *, width: int) -> None:
    assert page.locator("h1").count() == 1, f"{name}: one h1 per page"
    assert page.locator("h1").is_visible()
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{name}: {scroll_width}px wide content in a {inner_width}px window"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    violations = AXE.run(page).response["violations"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {name} at {width}px "
        f"({page.url}):\n{format_violations(violations)}"
    )


def test_verification_pages_on_a_phone(live_server, issued, page):
    page.set_viewport_size(PHONE_844)
    base = live_server.url
    pages = [
        ("verify-valid", f"/certificates/verify/{issued['valid'].code}/", 200),
        ("verify-revoked", f"/certificates/verify/{issued['revoked'].code}/", 200),
        (
            "verify-superseded",
            f"/certificates/verify/{issued['superseded'].code}/",
            200,
        ),
        ("verify-not-found", "/certificates/verify/7KQ2-M9XD-4TRB-H0NC/", 404),
        ("verify-lookup", "/certificates/verify/", 200),
    ]
    for name, path, status in pages:
        response = page.goto(base + path)
        assert response.status == status, f"{name}: HTTP {response.status}"
        check_page(page, name, width=PHONE_844["width"])

    page.goto(base + f"/certificates/verify/{issued['valid'].code}/")
    assert page.get_by_text("Коваленко-Шевчук Олена Петрівна").is_visible()
    assert page.get_by_text("3 кредити ЄКТС (90 годин)").is_visible()


def test_lookup_form_leads_to_the_page(live_server, issued, page):
    page.set_viewport_size(PHONE_844)
    page.goto(live_server.url + "/certificates/verify/")
    typed = issued["valid"].code.replace("-", "").lower()

    page.locator("#id_code").fill(typed)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/certificates/verify/{issued['valid'].code}/")


def test_check_a_file_on_a_phone(live_server, issued, page, tmp_path):
    page.set_viewport_size(PHONE_844)
    page.goto(live_server.url + "/certificates/check/")
    check_page(page, "check-form", width=PHONE_844["width"])
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(bytes(issued["valid"].pdf))

    page.locator("#id_file").set_input_files(str(pdf))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("[data-outcome=genuine]").count() == 1
    check_page(page, "check-genuine", width=PHONE_844["width"])

    page.locator("#id_file").set_input_files(
        files=[{"name": "notes.pdf", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() == 1
    check_page(page, "check-error", width=PHONE_844["width"])


@pytest.mark.parametrize("viewport", [PHONE_844, DESKTOP], ids=["390px", "1280px"])
def test_my_certificates(viewport, live_server, issued, page):
    login_as(page, live_server, issued["user"])
    page.set_viewport_size(viewport)

    page.goto(live_server.url + "/learning/certificates/")

    cards = page.locator(".cert-card")
    assert cards.count() == 3
    assert "cert-card--inactive" not in (cards.first.get_attribute("class") or "")
    copy = page.locator("button[data-copy]")
    assert copy.count() == 1 and copy.is_visible()  # shown by the script
    check_page(page, "my-certificates", width=viewport["width"])


def test_my_certificates_empty(live_server, demo_site, make_learner, page):
    login_as(page, live_server, make_learner("newcomer"))
    page.set_viewport_size(PHONE_844)

    page.goto(live_server.url + "/learning/certificates/")

    assert page.locator(".cert-empty").is_visible()
    check_page(page, "my-certificates-empty", width=PHONE_844["width"])
