"""A learner completes a real programme from ``content/`` in Chromium.

The site is built without the sample programme and the short programme on
participatory budgeting is imported from its Markdown and GIFT files. The
learner enrols through the interface, completes every lesson and passes every
quiz, answering as someone who read the lessons would: the right answers are
taken from the module's ``quiz.gift`` (parsed with the importer's own parser)
and chosen by their visible label text, since choices are shuffled.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

import pytest
from playwright.sync_api import expect

from courses.importers import parse_gift
from courses.models import Enrolment, LessonPage, ModulePage, QuizAttempt, QuizPage
from tests.e2e.helpers import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLDER = Path(settings.BASE_DIR) / "content" / "p4-participatory-budget"
ATTEMPT_URL = re.compile(r"/learning/attempts/\d+/(\?page=\d+)?$")
DONE_WORD = re.compile(r"completed|завершен|пройден", re.IGNORECASE)


def uk(msgid: str) -> str:
    with translation.override("uk"):
        return gettext(msgid)


def gift_questions(folder: Path) -> list[dict]:
    result = parse_gift((folder / "quiz.gift").read_text(encoding="utf-8"))
    assert not result.errors, result.errors
    return [q for q in result.questions if q["type"] not in ("category", "description")]


def answer(card, question: dict) -> None:
    """Give the right answer to ``question`` in its card, by visible labels."""
    kind = question["type"]
    if kind == "multichoice":
        if question["single"]:
            right = [a for a in question["answers"] if float(a["fraction"]) == 1]
            assert len(right) == 1, question["name"]
        else:
            right = [a for a in question["answers"] if float(a["fraction"]) > 0]
        for a in right:
            card.get_by_label(a["text"], exact=True).check()
    elif kind == "truefalse":
        label = uk("True") if question["correct"] else uk("False")
        card.get_by_label(label, exact=True).check()
    elif kind == "shortanswer":
        best = next(a for a in question["answers"] if float(a["fraction"]) == 1)
        card.get_by_role("textbox").fill(best["text"])
    elif kind == "numerical":
        best = next(
            a
            for a in question["answers"]
            if float(a["fraction"]) == 1 and "value" in a and a["value"] != "*"
        )
        card.get_by_role("textbox").fill(str(best["value"]))
    elif kind == "matching":
        for pair in question["pairs"]:
            if pair["question"]:
                card.get_by_label(pair["question"], exact=True).select_option(
                    label=pair["answer"]
                )
    else:  # pragma: no cover - the programme has no other types
        raise AssertionError(f"unexpected question type {kind}")


def take_quiz(page, live_server, quiz: QuizPage, questions: list[dict], user):
    page.goto(live_server.url + quiz.url)
    page.locator(f"form[action$='/quizzes/{quiz.pk}/start/'] button").click()
    page.wait_for_url(ATTEMPT_URL)
    attempt = QuizAttempt.objects.get(user=user, quiz=quiz)
    assert attempt.page_count * 2 >= len(questions)
    position = 0
    while True:
        cards = page.locator("fieldset.question")
        expect(cards.first).to_be_visible()
        for i in range(cards.count()):
            card = cards.nth(i)
            p = int(card.get_attribute("data-position"))
            assert p == position, (p, position)
            question = questions[p]
            # The card shows the question read from the file (not shuffled).
            stem = question["text"].replace("\\", "")[:25]
            expect(card.locator(".question__text")).to_contain_text(stem)
            answer(card, question)
            position += 1
        next_button = page.locator("button[name=action][value=next]")
        if next_button.count():
            next_button.first.click()
            page.wait_for_load_state()
            continue
        page.locator("button[name=action][value=finish]").first.click()
        break
    page.wait_for_url("**/summary/")
    assert position == len(questions)
    page.locator("form[action$='/submit/'] button").click()
    page.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.FINISHED
    assert attempt.passed and attempt.grade == 100, (quiz.title, attempt.grade)
    expect(page.locator("main .badge--done").first).to_have_text(uk("Passed"))


def test_learner_completes_the_participatory_budget_programme(
    live_server, transactional_db, make_learner, page
):
    from courses.content_import.service import programme_import
    from lms.demo.build import build_site
    from tests.conftest import _ensure_wagtail_base

    _ensure_wagtail_base()
    site = build_site(include_sample=False)
    report = programme_import(path=FOLDER, index_page=site["catalogue"])
    assert report.ok, "\n".join(str(p) for p in report.problems)
    programme = site["catalogue"].get_children().get(pk=report.programme_id).specific

    folders = sorted(d for d in FOLDER.iterdir() if d.is_dir())
    modules = list(ModulePage.objects.child_of(programme).order_by("path"))
    assert len(modules) == len(folders) == 4
    answers = {m.pk: gift_questions(f) for m, f in zip(modules, folders, strict=True)}

    user = make_learner()
    login_as(page, live_server, user)

    # --- enrol through the programme page ----------------------------------------
    page.goto(live_server.url + programme.url)
    expect(page.locator("h1")).to_have_text(programme.title)
    page.locator(f"form[action$='/programmes/{programme.pk}/enrol/'] button").click()
    page.wait_for_load_state()
    assert Enrolment.objects.get(user=user, programme=programme).status == "active"

    # --- every item in order ---------------------------------------------------------
    items = list(
        programme.get_descendants()
        .live()
        .type(LessonPage, QuizPage)
        .order_by("path")
        .specific()
    )
    quizzes = [item for item in items if isinstance(item, QuizPage)]
    assert len(quizzes) == 4
    for item in items:
        if isinstance(item, LessonPage):
            page.goto(live_server.url + item.url)
            expect(page.locator("article.lesson h1")).to_have_text(item.title)
            page.locator(".complete-box form button[type=submit]").click()
            page.wait_for_load_state()
            page.goto(live_server.url + item.url)
            expect(page.locator(".complete-box .tick--done")).to_be_visible()
        else:
            module = item.get_parent().specific
            take_quiz(page, live_server, item, answers[module.pk], user)

    # --- the dashboard: 100 % and completed ----------------------------------------------
    page.goto(live_server.url + "/learning/")
    card = page.locator(".card").filter(has_text=programme.title)
    expect(card).to_have_count(1)
    expect(card.locator(".progress__label")).to_have_text("100%")
    expect(card.locator(".badge--done")).to_have_text(DONE_WORD)
    enrolment = Enrolment.objects.get(user=user, programme=programme)
    assert enrolment.status == "completed" and enrolment.percent == 100

    # --- each quiz page says "passed" ---------------------------------------------------
    for quiz in quizzes:
        page.goto(live_server.url + quiz.url)
        final = page.locator(".quiz-final")
        expect(final).to_contain_text(re.compile(r"100\s?%"))
        expect(final.locator(".badge--done")).to_have_text(uk("Passed"))
