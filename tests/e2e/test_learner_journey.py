"""A new learner's whole journey, in a real browser, against the demo site.

Sign up -> confirm the e-mail from the outbox -> catalogue -> programme -> enrol
-> every lesson with the "complete" button -> 100 % and "completed" on the
dashboard. Selectors rely on structure (form actions, classes, roles), not on
interface wording, so the test holds whichever UI language is active.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

import pytest
from playwright.sync_api import expect

from courses.models import Enrolment, LearnerProfile
from lms.demo import sample_programme as content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON_TITLES = [
    lesson["title"]
    for module in content.SAMPLE_PROGRAMME["modules"]
    for lesson in module["lessons"]
]
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
DONE_WORD = re.compile(r"completed|завершен|пройден", re.IGNORECASE)


def sidebar_item(page, title: str):
    return page.locator("aside .outline__items li").filter(has_text=title)


def test_new_learner_signs_up_and_completes_the_sample_programme(
    live_server, demo_site, page, mailoutbox
):
    programme = demo_site["programme"]
    url = live_server.url

    # --- Sign up ---------------------------------------------------------------
    page.goto(url + "/accounts/signup/")
    expect(page.locator("h1")).to_be_visible()
    page.fill("#id_email", "mariia@example.org")
    page.fill("#id_username", "mariia")
    page.fill("#id_password1", "Hromada-2026-test")
    page.fill("#id_password2", "Hromada-2026-test")
    page.fill("#id_surname", "Шевчук")
    page.fill("#id_given_name", "Марія")
    page.fill("#id_patronymic", "Іванівна")
    page.select_option("#id_oblast", "chernihiv")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url, page.url

    user = get_user_model().objects.get(username="mariia")
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.surname, profile.given_name, profile.patronymic) == (
        "Шевчук",
        "Марія",
        "Іванівна",
    )
    assert profile.oblast == "chernihiv"

    # --- Confirm the address through the link in the e-mail -------------------
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == ["mariia@example.org"]
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body
    page.goto(link.group(0))
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    # Logged in on confirmation: the header shows the account, not "log in".
    expect(page.locator(".site-account__name")).to_contain_text("mariia")
    assert user.emailaddress_set.get().verified

    # --- Catalogue -> programme -> enrol ----------------------------------------
    page.goto(url + "/programmes/")
    expect(page.locator("h1")).to_be_visible()
    page.get_by_role("link", name=programme.title, exact=True).click()
    expect(page.locator("h1")).to_have_text(programme.title)
    page.locator(f"form[action$='/programmes/{programme.pk}/enrol/'] button").click()
    page.wait_for_load_state()
    assert Enrolment.objects.get(user=user, programme=programme).status == "active"
    start = page.locator("aside .actions a.button")
    expect(start).to_be_visible()
    start.click()

    # --- Every lesson, following the next-lesson flow ---------------------------
    for n, title in enumerate(LESSON_TITLES):
        expect(page.locator("article.lesson h1")).to_have_text(title)
        nav = page.locator("nav.lesson-nav")
        if n == 0:
            expect(nav.locator("a[rel=prev]")).to_have_count(0)
        else:
            expect(nav.locator("a[rel=prev]")).to_contain_text(LESSON_TITLES[n - 1])
            # The lesson finished a moment ago is ticked in the sidebar.
            expect(
                sidebar_item(page, LESSON_TITLES[n - 1]).locator(".tick--done")
            ).to_have_count(1)
        if n + 1 < len(LESSON_TITLES):
            expect(nav.locator("a[rel=next]")).to_contain_text(LESSON_TITLES[n + 1])
        else:
            expect(nav.locator("a[rel=next]")).to_have_count(0)
        # The current lesson is marked as such and is not ticked yet.
        current = sidebar_item(page, title)
        expect(current.locator("a[aria-current=page]")).to_have_count(1)
        expect(current.locator(".tick--done")).to_have_count(0)

        if n == 1:
            # Previous / next navigation: back to the finished lesson, which
            # now says it is done and offers the next lesson, then forward.
            nav.locator("a[rel=prev]").click()
            expect(page.locator("article.lesson h1")).to_have_text(LESSON_TITLES[0])
            expect(page.locator(".complete-box .tick--done")).to_be_visible()
            expect(page.locator(".complete-box form")).to_have_count(0)
            expect(
                sidebar_item(page, LESSON_TITLES[0]).locator(".tick--done")
            ).to_have_count(1)
            page.locator("nav.lesson-nav a[rel=next]").click()
            expect(page.locator("article.lesson h1")).to_have_text(title)

        page.locator(".complete-box form button[type=submit]").click()
        page.wait_for_load_state()

    # After the last lesson the learner is back on the programme page.
    expect(page.locator("h1")).to_have_text(programme.title)
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator(".outline .tick--done")).to_have_count(len(LESSON_TITLES))
    expect(page.locator("aside .progress__label")).to_have_text("100%")

    # --- The same lesson sidebar on a phone: a closed bar that opens -----------
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".outline a").first.click()
    expect(page.locator("article.lesson h1")).to_have_text(LESSON_TITLES[0])
    contents = page.locator("#programme-contents")
    expect(contents.locator(".outline")).not_to_be_visible()
    expect(contents.locator("summary")).to_contain_text("100%")
    contents.locator("summary").click()
    expect(contents.locator(".outline")).to_be_visible()
    expect(contents.locator(".tick--done")).to_have_count(len(LESSON_TITLES))
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- Dashboard: 100 % and completed -----------------------------------------
    page.goto(url + "/learning/")
    card = page.locator(".card").filter(has_text=programme.title)
    expect(card).to_have_count(1)
    expect(card.locator(".progress__label")).to_have_text("100%")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(card.locator(".badge--done")).to_have_text(DONE_WORD)
    enrolment = Enrolment.objects.get(user=user, programme=programme)
    assert enrolment.status == "completed"
    assert enrolment.percent == 100
