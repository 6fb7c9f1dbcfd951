"""A learner takes quizzes in Chromium: autosave, a dropped connection, the timer.

The main test walks a timed quiz of four pages (two questions each) the way a
learner on a phone with a weak signal would: answers of every type are saved
as they are given; a reload shows them again from the server; answers given
offline wait in localStorage and reach the server by themselves once the
connection is back, or after a reload; then the summary, the submission, the
review with feedback, the grade on the quiz page and the tick in the
programme outline. Other tests: time running out submits the attempt, and
sequential navigation never goes back.

Choices are shuffled per attempt, so inputs are found by their label text
within their question's card; what the server stored is read from the
database, polling with a timeout (the browser saves in the background).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest
from playwright.sync_api import expect

from courses.models import QuestionResponse, QuizAttempt
from tests.e2e import quiz_helpers as qh
from tests.e2e.helpers import enrol, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTEMPT_URL = re.compile(r"/learning/attempts/\d+/(\?page=\d+)?$")
SAVE = "**/learning/attempts/*/save/"


# --- helpers -------------------------------------------------------------------------


def uk(msgid: str) -> str:
    with translation.override("uk"):
        return gettext(msgid)


def start_quiz(page, live_server, quiz, user) -> QuizAttempt:
    page.goto(live_server.url + quiz.url)
    page.locator(f"form[action$='/quizzes/{quiz.pk}/start/'] button").click()
    page.wait_for_url(ATTEMPT_URL)
    return QuizAttempt.objects.get(user=user, quiz=quiz)


def stored(attempt, position: int):
    """The answer the server holds for the question at ``position``."""
    return QuestionResponse.objects.get(attempt=attempt, position=position).response


def wait_stored(attempt, position: int, expected, timeout: float = 15.0):
    return qh.poll(
        lambda: stored(attempt, position) == expected,
        timeout=timeout,
        message=f"q{position}: expected {expected!r}, have {stored(attempt, position)!r}",
    )


def ids_by_text(attempt, position: int) -> dict[str, str]:
    """Choice / item text -> the attempt's opaque id (from the stored snapshot)."""
    snap = QuestionResponse.objects.get(attempt=attempt, position=position).snapshot
    entries = snap.get("answers") or snap.get("items") or snap.get("pairs")
    return {e.get("text", e.get("question")): e["id"] for e in entries}


def pair_ids(attempt, position: int) -> dict[str, str]:
    snap = QuestionResponse.objects.get(attempt=attempt, position=position).snapshot
    return {p["question"]: p["id"] for p in snap["pairs"] if p["question"]}


def expect_saved(card) -> None:
    expect(card.locator("[data-status]")).to_have_attribute(
        "data-state", "saved", timeout=10_000
    )


def put_in_order(card, wanted) -> None:
    """Sort the ordering list with its ↑ buttons (one move by keyboard)."""
    texts = card.locator(".ordering__text").all_text_contents()
    second = card.locator(".ordering__item").filter(has_text=texts[1])
    button = second.locator("[data-move=up]")
    button.focus()
    card.page.keyboard.press("Enter")
    expect(card.locator(".ordering__text").first).to_have_text(texts[1])
    expect(button).to_be_focused()
    for i, text in enumerate(wanted):
        j = card.locator(".ordering__text").all_text_contents().index(text)
        for _ in range(j - i):
            card.locator(".ordering__item").filter(has_text=text).locator(
                "[data-move=up]"
            ).click()
    expect(card.locator(".ordering__text")).to_have_text(list(wanted))


def go(page, value: str) -> None:
    """Press a navigation button (next, prev, finish, page-N) and wait."""
    page.locator(f"button[name=action][value={value}]").first.click()
    page.wait_for_load_state()


# --- the main journey ------------------------------------------------------------------


def test_learner_takes_a_timed_quiz_through_a_dropped_connection(
    live_server, demo_site, make_learner, page
):
    programme = demo_site["programme"]
    user = make_learner()
    enrol(user, programme)
    quiz = qh.add_quiz(
        programme,
        qh.main_questions(),
        slug="pidsumkovyi-test",
        title="Підсумковий тест: участь громадян",
        time_limit_minutes=10,
        questions_per_page=2,
        pass_mark=Decimal("60"),
    )
    login_as(page, live_server, user)
    attempt = start_quiz(page, live_server, quiz, user)
    assert page.locator("html").get_attribute("lang") == "uk"
    assert attempt.page_count == 4

    # The timer counts down from the server's deadline.
    clock = page.locator("[data-timer]")
    expect(clock).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    shown = clock.text_content()
    expect(clock).not_to_have_text(shown, timeout=3_000)
    expect(page.locator("button[value=prev]")).to_have_count(0)

    # --- page 1: one answer, several answers ---------------------------------------------
    radio = qh.question(page, qh.RADIO_TEXT)
    multi = qh.question(page, qh.MULTI_TEXT)
    radio.get_by_label(qh.RADIO_RIGHT, exact=True).check()
    for text in qh.MULTI_RIGHT:
        multi.get_by_label(text, exact=True).check()
    expect_saved(radio)
    expect_saved(multi)
    expect(radio.locator("[data-status]")).to_have_text(uk("Answer saved"))
    ids = ids_by_text(attempt, 0)
    wait_stored(attempt, 0, {"choice": ids[qh.RADIO_RIGHT]})
    ids = ids_by_text(attempt, 1)
    wait_stored(
        attempt, 1, {"choices": [i for t, i in ids.items() if t in qh.MULTI_RIGHT]}
    )
    assert qh.pending_answers(page, attempt.pk) == {}

    # A reload shows the answers again, from the server (nothing is pending).
    page.reload()
    expect(radio.get_by_label(qh.RADIO_RIGHT, exact=True)).to_be_checked()
    for text in qh.MULTI_RIGHT:
        expect(multi.get_by_label(text, exact=True)).to_be_checked()
    expect(multi.get_by_label(qh.MULTI_WRONG, exact=True)).not_to_be_checked()

    # --- page 2: text, and a number with a decimal comma -------------------------------------
    go(page, "next")
    assert page.url.endswith("?page=1")
    expect(page.locator("button[value=prev]")).to_have_count(1)
    short = qh.question(page, qh.SHORT_TEXT)
    number = qh.question(page, qh.NUMBER_TEXT)
    short.get_by_role("textbox").fill(qh.SHORT_ANSWER)
    number.get_by_role("textbox").fill(qh.NUMBER_ANSWER)
    # Enter in a one-line answer stays on the page (a phone's "Go" key).
    number.get_by_role("textbox").press("Enter")
    expect_saved(short)
    expect_saved(number)
    assert page.url.endswith("?page=1")
    wait_stored(attempt, 2, {"text": qh.SHORT_ANSWER})
    wait_stored(attempt, 3, {"text": qh.NUMBER_ANSWER})
    page.reload()
    expect(short.get_by_role("textbox")).to_have_value(qh.SHORT_ANSWER)
    expect(number.get_by_role("textbox")).to_have_value(qh.NUMBER_ANSWER)

    # --- page 3 (by the page buttons): matching online, ordering offline -------------------------
    go(page, "page-2")
    assert page.url.endswith("?page=2")
    matching = qh.question(page, qh.MATCH_TEXT)
    for stem, answer in qh.MATCH_PAIRS:
        matching.get_by_label(stem, exact=True).select_option(answer)
    expect_saved(matching)
    stems = pair_ids(attempt, 4)
    wait_stored(
        attempt,
        4,
        {"matches": {stems[stem]: answer for stem, answer in qh.MATCH_PAIRS}},
    )

    page.context.set_offline(True)
    ordering = qh.question(page, qh.ORDER_TEXT)
    put_in_order(ordering, qh.ORDER_ITEMS)
    expect(page.locator("[data-offline]")).to_be_visible(timeout=10_000)
    expect(ordering.locator("[data-status]")).to_have_attribute("data-state", "offline")
    items = ids_by_text(attempt, 5)
    right_order = [items[t] for t in qh.ORDER_ITEMS]
    assert qh.pending_answers(page, attempt.pk)["5"]["values"] == {
        "q5-order": right_order
    }
    assert stored(attempt, 5) is None
    # Leaving the page offline would lose it: the page stays, answers kept.
    go(page, "next")
    assert page.url.endswith("?page=2")
    expect(page.locator("[data-offline]")).to_be_visible()

    # The connection returns: the answer goes to the server by itself.
    page.context.set_offline(False)
    wait_stored(attempt, 5, {"order": right_order})
    expect_saved(ordering)
    expect(page.locator("[data-offline]")).to_be_hidden()
    assert qh.pending_answers(page, attempt.pk) == {}

    # --- page 4: an answer given offline, restored from the device after a reload ------------
    go(page, "next")
    assert page.url.endswith("?page=3")
    truefalse = qh.question(page, qh.TF_TEXT)
    page.context.set_offline(True)
    truefalse.get_by_label(uk("True"), exact=True).check()
    expect(page.locator("[data-offline]")).to_be_visible(timeout=10_000)
    assert qh.pending_answers(page, attempt.pk)["6"]["values"] == {"q6-value": ["true"]}
    # Back online, but saving still fails (a flaky signal), and the page is
    # reloaded: the answer comes back from the device (the server has none) ...
    page.route(SAVE, lambda route: route.abort())
    with page.expect_event("requestfailed"):
        page.context.set_offline(False)
    page.reload()
    expect(truefalse.get_by_label(uk("True"), exact=True)).to_be_checked()
    assert stored(attempt, 6) is None
    assert "6" in qh.pending_answers(page, attempt.pk)
    # ... and is sent once saving works again, with nobody touching anything.
    page.unroute(SAVE)
    wait_stored(attempt, 6, {"value": True}, timeout=20)
    expect_saved(truefalse)
    assert qh.pending_answers(page, attempt.pk) == {}

    # --- the summary: seven answered, one not -------------------------------------------------------
    go(page, "finish")
    page.wait_for_url("**/summary/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(8)
    statuses = [row.locator("td").nth(1).text_content() for row in rows.all()]
    assert statuses == [uk("Answer saved")] * 7 + [uk("Not yet answered")]

    page.locator("form[action$='/submit/'] button").click()
    page.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.FINISHED
    assert attempt.grade == Decimal("87.50") and attempt.passed

    # --- the review: marks, specific feedback and right answers, as configured -----------------------
    expect(page.locator("fieldset.question")).to_have_count(8)
    expect(page.locator("main")).to_contain_text(re.compile(r"87,50?\s?%"))
    expect(page.locator("main .badge--done")).to_have_text(uk("Passed"))
    radio = qh.question(page, qh.RADIO_TEXT)
    expect(radio.locator(".question__feedback")).to_contain_text(qh.RADIO_FEEDBACK)
    expect(radio.locator(".question__right")).to_contain_text(qh.RADIO_RIGHT)
    expect(radio.get_by_label(qh.RADIO_RIGHT, exact=True)).to_be_checked()
    expect(radio.locator(".badge--correct")).to_have_count(1)
    numerical = qh.question(page, qh.NUMBER_TEXT)
    expect(numerical.get_by_role("textbox")).to_have_value(qh.NUMBER_ANSWER)
    expect(numerical.locator(".badge--correct")).to_have_count(1)
    expect(qh.question(page, qh.ORDER_TEXT).locator(".badge--correct")).to_have_count(1)
    expect(
        qh.question(page, qh.SHORT2_TEXT).locator(".badge--not_answered")
    ).to_have_count(1)
    expect(page.locator("[data-status]")).to_have_count(0)  # nothing to save here

    # --- the quiz page: the grade and "passed"; the programme: the quiz is ticked -----------------------
    page.goto(live_server.url + quiz.url)
    final = page.locator(".quiz-final")
    expect(final).to_contain_text(re.compile(r"87,50?\s?%"))
    expect(final.locator(".badge--done")).to_have_text(uk("Passed"))
    page.goto(live_server.url + programme.url)
    item = page.locator("main .outline__items li").filter(has_text=quiz.title)
    expect(item.locator(".tick--done")).to_have_count(1)


# --- time running out ------------------------------------------------------------------


def test_time_up_submits_what_the_learner_gave(
    live_server, demo_site, make_learner, page
):
    programme = demo_site["programme"]
    user = make_learner()
    enrol(user, programme)
    cat = qh.category("Тест: час")
    quiz = qh.add_quiz(
        programme,
        [qh.radio_question(cat), qh.truefalse_question(cat)],
        slug="khvylyna",
        title="Тест на одну хвилину",
        time_limit_minutes=1,
        questions_per_page=1,
    )
    login_as(page, live_server, user)
    attempt = start_quiz(page, live_server, quiz, user)
    expect(page.locator("[data-timer]")).to_have_text(re.compile(r"^(1:00|0:[0-5]\d)$"))
    expect(page.locator(".quiz__timer--low")).to_have_count(1)  # a minute or less

    radio = qh.question(page, qh.RADIO_TEXT)
    radio.get_by_label(qh.RADIO_RIGHT, exact=True).check()
    expect_saved(radio)
    go(page, "next")

    # The last answer cannot be autosaved (the save requests fail) ...
    page.route(SAVE, lambda route: route.abort())
    qh.question(page, qh.TF_TEXT).get_by_label(uk("True"), exact=True).check()
    qh.poll(lambda: "1" in qh.pending_answers(page, attempt.pk))
    # ... and the time is nearly up.
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline_at=timezone.now() + dt.timedelta(seconds=4)
    )
    page.reload()
    expect(page.locator("[data-timer]")).to_have_text(re.compile(r"^0:0[0-4]$"))
    expect(
        qh.question(page, qh.TF_TEXT).get_by_label(uk("True"), exact=True)
    ).to_be_checked()

    # At zero the page submits itself, with the answer on the page.
    page.wait_for_url("**/review/", timeout=15_000)
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.FINISHED
    assert stored(attempt, 1) == {"value": True}
    assert attempt.grade == Decimal("100.00")
    expect(page.locator("fieldset.question")).to_have_count(2)


# --- sequential navigation ----------------------------------------------------------------


def test_sequential_quiz_never_goes_back(live_server, demo_site, make_learner, page):
    programme = demo_site["programme"]
    user = make_learner()
    enrol(user, programme)
    cat = qh.category("Тест: по черзі")
    quiz = qh.add_quiz(
        programme,
        [qh.radio_question(cat), qh.truefalse_question(cat), qh.short_question(cat)],
        slug="po-cherzi",
        title="Тест по черзі",
        questions_per_page=1,
        navigation="sequential",
    )
    login_as(page, live_server, user)
    attempt = start_quiz(page, live_server, quiz, user)
    url = f"{live_server.url}/learning/attempts/{attempt.pk}/"

    expect(page.locator("[data-timer]")).to_have_count(0)  # no time limit
    expect(page.locator(".quiz__pages")).to_have_count(0)  # no jumping around
    expect(page.locator("button[value=prev]")).to_have_count(0)
    qh.question(page, qh.RADIO_TEXT).get_by_label(qh.RADIO_RIGHT, exact=True).check()
    go(page, "next")
    assert page.url == url
    expect(qh.question(page, qh.TF_TEXT)).to_have_count(1)
    expect(page.locator("button[value=prev]")).to_have_count(0)
    assert "?page=" not in page.content()

    # A direct link to another page leads back to the current one.
    for n in (0, 2):
        page.goto(f"{url}?page={n}")
        assert page.url == url
        expect(qh.question(page, qh.TF_TEXT)).to_have_count(1)
        expect(qh.question(page, qh.RADIO_TEXT)).to_have_count(0)
    attempt.refresh_from_db()
    assert attempt.current_page == 1
    assert stored(attempt, 0) == {"choice": ids_by_text(attempt, 0)[qh.RADIO_RIGHT]}


# --- an ordering kept on the device ---------------------------------------------------------


def test_an_ordering_kept_on_the_device_is_shown_after_a_reload(
    live_server, demo_site, make_learner, page
):
    """The order given while saves fail is put back into the list on reload,
    so a further move starts from it, not from the order first shown."""
    programme = demo_site["programme"]
    user = make_learner()
    enrol(user, programme)
    cat = qh.category("Тест: порядок")
    quiz = qh.add_quiz(
        programme, [qh.ordering_question(cat)], slug="poriadok", title="Порядок етапів"
    )
    login_as(page, live_server, user)
    attempt = start_quiz(page, live_server, quiz, user)
    ids = ids_by_text(attempt, 0)

    page.route(SAVE, lambda route: route.abort())
    card = qh.question(page, qh.ORDER_TEXT)
    put_in_order(card, qh.ORDER_ITEMS)
    qh.poll(lambda: "0" in qh.pending_answers(page, attempt.pk))
    page.reload()
    expect(card.locator(".ordering__text")).to_have_text(list(qh.ORDER_ITEMS))
    expect(card.locator("[data-move=up]").first).to_have_attribute(
        "aria-disabled", "true"
    )
    assert stored(attempt, 0) is None

    page.unroute(SAVE)
    wait_stored(attempt, 0, {"order": [ids[t] for t in qh.ORDER_ITEMS]}, timeout=20)
    # One more move (the last item up) starts from the restored order.
    card.locator(".ordering__item").last.locator("[data-move=up]").click()
    wanted = [*qh.ORDER_ITEMS[:2], qh.ORDER_ITEMS[3], qh.ORDER_ITEMS[2]]
    expect(card.locator(".ordering__text")).to_have_text(wanted)
    wait_stored(attempt, 0, {"order": [ids[t] for t in wanted]})
