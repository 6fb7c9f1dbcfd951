"""axe-core on the quiz pages, at a phone and a desktop width, plus screenshots.

Checked with all of axe's default rules (WCAG 2.0/2.1/2.2 A and AA and axe's
best practices), none switched off, plus the target-size rule: the quiz page before and after an
attempt, an attempt page holding every question type (with the low-time
timer and the offline notice shown, since they add markup), the summary and
the review. Phone-width screenshots go to ``var/screenshots/quiz-*.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from courses.models import QuizAttempt
from tests.e2e import quiz_helpers as qh
from tests.e2e.helpers import DESKTOP, PHONE, enrol, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
# axe's default rules, plus WCAG 2.2's target size (24 px), off by default in
# axe: quizzes are answered with a thumb.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"target-size": {"enabled": True}},
}
OUT = Path(settings.BASE_DIR) / "var" / "screenshots"
CLOCK = re.compile(r"^\d+:\d\d$")
# The innermost elements that stick out of the window on the right.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(el => ![...el.children].some(
    c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def check(page, name: str, width: int, problems: list[str]) -> None:
    """axe, one h1, no sideways scrolling; a screenshot at phone width."""
    if page.locator("h1").count() != 1:
        problems.append(f"{name}: expected one h1")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > inner_width:
        wide = page.evaluate(WIDE_ELEMENTS)
        problems.append(
            f"{name}: {scroll_width}px of content in {inner_width}px: {wide}"
        )
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(
            f"axe on {name} at {width}px ({page.url}):\n{format_violations(violations)}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # sticky bars where a reader first sees them
    page.screenshot(path=str(OUT / f"quiz-{name}-{width}.png"), full_page=True)


def answer_everything(page) -> None:
    """Answer every question type on the page, as a learner would."""
    qh.question(page, qh.RADIO_TEXT).get_by_label(qh.RADIO_RIGHT).check()
    multi = qh.question(page, qh.MULTI_TEXT)
    for text in qh.MULTI_RIGHT:
        multi.get_by_label(text, exact=True).check()
    qh.question(page, qh.TF_TEXT).locator("input[value=true]").check()
    qh.question(page, qh.SHORT_TEXT).get_by_role("textbox").fill(qh.SHORT_ANSWER)
    qh.question(page, qh.NUMBER_TEXT).get_by_role("textbox").fill(qh.NUMBER_ANSWER)
    matching = qh.question(page, qh.MATCH_TEXT)
    for stem, answer in qh.MATCH_PAIRS:
        matching.get_by_label(stem, exact=True).select_option(answer)
    qh.question(page, qh.ORDER_TEXT).locator("[data-move=up]").last.click()
    qh.question(page, qh.ESSAY_TEXT).get_by_role("textbox").fill(
        "Я б запросив шкільне самоврядування до спільного планування бюджету."
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_quiz_pages_have_no_axe_violations(
    viewport, live_server, demo_site, make_learner, page
):
    programme = demo_site["programme"]
    user = make_learner()
    enrol(user, programme)
    quiz = qh.add_quiz(
        programme,
        qh.every_type_questions(),
        slug="usi-typy",
        title="Підсумковий тест модуля",
        intro="<p>Тест перевіряє знання форм участі. Відповіді зберігаються автоматично.</p>",
        time_limit_minutes=20,
        questions_per_page=0,
        pass_mark=Decimal("50"),
    )
    login_as(page, live_server, user)
    page.set_viewport_size(viewport)
    width = viewport["width"]
    base = live_server.url
    problems: list[str] = []

    page.goto(base + quiz.url)
    check(page, "start", width, problems)

    page.locator(f"form[action$='/quizzes/{quiz.pk}/start/'] button").click()
    page.wait_for_url("**/attempts/*/")
    expect(page.locator("[data-timer]")).to_have_text(CLOCK)
    check(page, "attempt", width, problems)

    answer_everything(page)
    # Keyboard focus on an ordering button is clearly visible.
    ordering = qh.question(page, qh.ORDER_TEXT)
    ordering.locator("[data-move=down]").first.focus()
    page.keyboard.press("Tab")
    up = ordering.locator("[data-move=up]").nth(1)
    expect(up).to_be_focused()
    visible, style, outline = up.evaluate(
        "el => [el.matches(':focus-visible'), getComputedStyle(el).outlineStyle,"
        " parseFloat(getComputedStyle(el).outlineWidth)]"
    )
    assert visible and style != "none" and outline >= 2, (visible, style, outline)
    expect(page.locator(".question--essay [data-status]")).not_to_be_empty()
    check(page, "attempt-answered", width, problems)

    # The low-time timer and the offline notice add markup: check them too.
    attempt = QuizAttempt.objects.get(user=user, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() + dt.timedelta(seconds=50)
    )
    page.reload()
    page.context.set_offline(True)
    page.locator(".question--shortanswer input[type=text]").fill("громадський бюджет")
    expect(page.locator("[data-offline]")).to_be_visible()
    expect(page.locator(".quiz__timer--low")).to_be_visible()
    check(page, "attempt-offline", width, problems)
    page.context.set_offline(False)
    qh.poll(lambda: not qh.pending_answers(page, attempt.pk), timeout=15)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() + dt.timedelta(minutes=20)
    )

    page.goto(base + f"/learning/attempts/{attempt.pk}/summary/")
    check(page, "summary", width, problems)

    page.locator("form[action$='/submit/'] button").click()
    page.wait_for_url("**/review/")
    check(page, "review", width, problems)

    page.goto(base + quiz.url)
    check(page, "after", width, problems)

    # A quiz of several pages: the page buttons, "previous" and "next".
    paged = qh.add_quiz(
        programme,
        qh.main_questions(),
        slug="storinky",
        title="Тест на кількох сторінках",
        questions_per_page=2,
    )
    page.goto(base + paged.url)
    page.locator(f"form[action$='/quizzes/{paged.pk}/start/'] button").click()
    page.wait_for_url("**/attempts/*/")
    qh.question(page, qh.RADIO_TEXT).get_by_label(qh.RADIO_RIGHT).check()
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url("**?page=1")
    qh.question(page, qh.SHORT_TEXT).get_by_role("textbox").fill(qh.SHORT_ANSWER)
    expect(page.locator(".quiz__pages .is-answered")).to_have_count(1)
    check(page, "attempt-pages", width, problems)

    assert not problems, "\n".join(problems)
