"""Grades from end to end: the views, grading methods, completion, manual
grading and regrades (quiz reference §1.3, §6.14-6.18, §6.7)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from courses import quiz_selectors as qsel
from courses import quiz_services as qsvc
from courses import services
from courses.models import (
    Choice,
    Enrolment,
    ItemCompletion,
    MultipleChoiceQuestion,
    QuestionResponse,
    QuizAttempt,
    ShortAnswer,
)
from courses.quiz import grading
from tests.factories import (
    build_quiz,
    essay_question,
    matching_question,
    multichoice_question,
    numerical_question,
    ordering_question,
    shortanswer_question,
    truefalse_question,
)

from .helpers import (
    JSON,
    LANG,
    attempt_url,
    log_count,
    login,
    page_of,
    post_page,
    start,
)
from .quizzes import (
    MATCH_PAIRS,
    MCM_CHOICES,
    ORDER_ITEMS,
    EveryTypeQuiz,
    best_answers,
    every_type_quiz,
    mediocre_answers,
    ordering_ids,
)

pytestmark = pytest.mark.django_db

D = Decimal


def answer_every_page(client, attempt, answers_for) -> None:
    url = attempt_url("attempt", attempt)
    for n in range(attempt.page_count):
        page = page_of(client, f"{url}?page={n}")
        response = post_page(client, attempt, page, answers_for(page, n), action="next")
        assert response.status_code == 302


def submit(client, attempt) -> QuizAttempt:
    response = client.post(attempt_url("attempt-submit", attempt), **LANG)
    assert response.status_code == 302
    return QuizAttempt.objects.get(pk=attempt.pk)


def mixed_answers(page, n: int) -> dict:
    """Some right, some partly right, posted as the templates name them."""
    q = EveryTypeQuiz
    if n == q.MCM:  # one of the two 50% options
        return {
            f"q{n}-choices": [page.value_for_label(f"q{n}-choices", MCM_CHOICES[0])]
        }
    if n == q.MATCH:  # two of three stems
        fields = best_answers(page, n)
        prague = page.select_named(f"q{n}-match-", MATCH_PAIRS[2][0]).name
        fields[prague] = MATCH_PAIRS[0][1]
        return fields
    if n == q.ORD:  # the last two swapped: 2 of 4 in place
        ids = ordering_ids(page, n)
        order = [*ORDER_ITEMS[:2], ORDER_ITEMS[3], ORDER_ITEMS[2]]
        return {f"q{n}-order": [ids[t] for t in order]}
    return best_answers(page, n)


def test_a_full_attempt_through_the_views_gives_the_expected_grade(world):
    etq = every_type_quiz(world.module, essay=False)
    client = login(world.learner)
    attempt = start(client, etq.quiz)

    answer_every_page(client, attempt, mixed_answers)
    summary = client.get(
        attempt_url("attempt-summary", attempt), **LANG
    ).content.decode()
    assert summary.count("Answer saved") == 7 and "Not yet answered" not in summary
    attempt = submit(client, attempt)

    marks = dict(attempt.responses.values_list("position", "mark"))
    states = dict(attempt.responses.values_list("position", "state"))
    q = EveryTypeQuiz
    assert marks == {
        q.DESC: None,
        q.MCS: D(2),
        q.MCM: D("0.5"),
        q.TF: D(1),
        q.SA: D(1),  # "  rightsaqx " matches RIGHTSAQX
        q.NUM: D(1),  # "73519,5" is within 0.5 of 73519.25
        q.MATCH: D("1.3333334"),  # 2/3 of 2 marks, fraction kept to 7 places
        q.ORD: D("0.5"),
    }
    assert states == {
        q.DESC: "info",
        q.MCS: "correct",
        q.MCM: "partial",
        q.TF: "correct",
        q.SA: "correct",
        q.NUM: "correct",
        q.MATCH: "partial",
        q.ORD: "partial",
    }
    assert (attempt.sum_marks, attempt.max_marks) == (D("7.3333334"), D(9))
    assert attempt.grade == D("81.48")
    assert attempt.passed and not attempt.needs_grading
    review = client.get(attempt_url("attempt-review", attempt), **LANG).content.decode()
    assert "81.48%" in review


def test_best_answers_score_full_marks_and_worst_clamp_to_zero(world):
    etq = every_type_quiz(world.module, essay=False)
    client = login(world.learner)

    best = start(client, etq.quiz)
    answer_every_page(client, best, best_answers)
    best = submit(client, best)
    mediocre = start(client, etq.quiz)
    answer_every_page(client, mediocre, mediocre_answers)
    mediocre = submit(client, mediocre)

    assert (best.grade, best.sum_marks) == (D(100), D(9))
    # Ticking a 50% and a -100% option clamps to 0, never below.
    assert mediocre.responses.get(position=EveryTypeQuiz.MCM).mark == 0
    assert mediocre.grade == D("18.52")  # (1 + 2/3 of 2) of 9


# --- grading methods -------------------------------------------------------------------

THREE_ATTEMPTS = [2, 4, 1]  # right answers of 4: 50%, 100%, 25%


@pytest.fixture
def three_attempts(world):
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True) for _ in range(4)],
        questions_per_page=0,
        pass_mark=60,
    )
    for right in THREE_ATTEMPTS:
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
        qsvc.responses_save(
            user=world.learner,
            attempt=attempt,
            data={f"q{n}-value": "true" if n < right else "false" for n in range(4)},
        )
        qsvc.attempt_submit(user=world.learner, attempt=attempt)
    grades = list(
        QuizAttempt.objects.filter(quiz=quiz)
        .order_by("number")
        .values_list("grade", flat=True)
    )
    assert grades == [D(50), D(100), D(25)]
    return quiz


@pytest.mark.parametrize(
    ("method", "expected", "passed"),
    [
        ("highest", D(100), True),
        ("average", D("58.33"), False),
        ("first", D(50), False),
        ("last", D(25), False),
    ],
)
def test_grading_methods_over_three_attempts(
    world, three_attempts, method, expected, passed
):
    quiz = three_attempts
    # Changing the method recomputes the final grade: nothing stale is stored.
    type(quiz).objects.filter(pk=quiz.pk).update(grading_method=method)
    quiz.refresh_from_db()

    context = qsel.quiz_page_context(quiz=quiz, user=world.learner)

    assert context["final_grade"] == expected
    assert context["passed"] is passed
    assert qsvc.quiz_final_grade(quiz=quiz, user=world.learner) == expected
    html = login(world.learner).get(quiz.url, **LANG).content.decode()
    assert f"Your grade: {expected:f}".rstrip("0").rstrip(".") in html


def test_the_method_in_force_decides_completion(world):
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True) for _ in range(2)],
        questions_per_page=0,
        grading_method="first",
        pass_mark=60,
    )
    for answer in ("false", "true"):  # 0%, then 100%
        attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
        qsvc.responses_save(
            user=world.learner,
            attempt=attempt,
            data={"q0-value": answer, "q1-value": answer},
        )
        qsvc.attempt_submit(user=world.learner, attempt=attempt)
    # The first attempt counts, so the 100% second attempt does not pass.
    assert not ItemCompletion.objects.filter(
        user=world.learner, item_id=quiz.pk
    ).exists()


# --- completion -------------------------------------------------------------------------------


def test_passing_completes_the_quiz_and_then_the_programme_once(
    world, announced, django_capture_on_commit_callbacks
):
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True), truefalse_question(correct=True)],
        questions_per_page=0,
        pass_mark=75,
    )
    learner = world.learner
    services.item_complete(user=learner, item=world.tree.lessons[0])
    client = login(learner)

    failed = start(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(attempt_url("attempt-submit", failed), {"q0-value": "true"})
    failed.refresh_from_db()
    assert (failed.grade, failed.passed) == (D(50), False)
    assert not ItemCompletion.objects.filter(user=learner, item_id=quiz.pk).exists()
    enrolment = Enrolment.objects.get(user=learner, programme=world.tree.programme)
    assert (enrolment.status, enrolment.completed_count, enrolment.required_count) == (
        "active",
        1,
        2,
    )
    assert announced == []

    passed = start(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            attempt_url("attempt-submit", passed),
            {"q0-value": "true", "q1-value": "true"},
        )

    passed.refresh_from_db()
    assert (passed.grade, passed.passed) == (D(100), True)
    completion = ItemCompletion.objects.get(user=learner, item_id=quiz.pk)
    assert completion.source == ItemCompletion.Source.QUIZ
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_count) == ("completed", 2)
    assert [(c["user"], c["programme"].pk) for c in announced] == [
        (learner, world.tree.programme.pk)
    ]
    # Passing again changes nothing.
    again = start(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            attempt_url("attempt-submit", again),
            {"q0-value": "true", "q1-value": "true"},
        )
    assert ItemCompletion.objects.filter(user=learner, item_id=quiz.pk).count() == 1
    assert len(announced) == 1
    assert log_count("courses.item.complete", completion) == 1


def test_passing_before_the_lessons_completes_the_programme_when_they_are_done(
    world, announced, django_capture_on_commit_callbacks
):
    quiz = build_quiz(
        module=world.module, slots=[truefalse_question(correct=True)], pass_mark=50
    )
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)
    qsvc.responses_save(user=world.learner, attempt=attempt, data={"q0-value": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        qsvc.attempt_submit(user=world.learner, attempt=attempt)
    enrolment = Enrolment.objects.get(
        user=world.learner, programme=world.tree.programme
    )
    assert enrolment.status == "active"
    assert announced == []

    with django_capture_on_commit_callbacks(execute=True):
        services.item_complete(user=world.learner, item=world.tree.lessons[0])

    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    assert len(announced) == 1


def test_a_learner_cannot_mark_a_quiz_complete(world):
    quiz = build_quiz(module=world.module, slots=[truefalse_question()])
    client = login(world.learner)
    url = reverse("courses:item-complete", args=[quiz.pk])

    assert client.post(url, **LANG).status_code == 400
    response = client.post(url, **LANG, **JSON)
    assert response.status_code == 400 and response.json()["error"]

    assert not ItemCompletion.objects.filter(user=world.learner).exists()
    with pytest.raises(Exception) as exc:
        services.item_complete(user=world.learner, item=quiz)
    assert "passing" in str(exc.value)
    assert not ItemCompletion.objects.filter(user=world.learner).exists()


# --- essays and manual grading --------------------------------------------------------------


@pytest.fixture
def essay_attempt(world):
    """A submitted attempt: a right true/false answer and an essay (2 marks)."""
    quiz = build_quiz(
        module=world.module,
        slots=[truefalse_question(correct=True), essay_question(default_mark=2)],
        questions_per_page=0,
        pass_mark=60,
    )
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    post_page(client, attempt, page, {"q0-value": "true", "q1-text": "Моя думка."})
    return client, submit(client, attempt)


def test_an_essay_waits_for_a_trainer(world, essay_attempt):
    client, attempt = essay_attempt

    assert attempt.state == "finished"
    assert attempt.needs_grading
    assert attempt.grade is None and not attempt.passed
    assert attempt.responses.get(position=1).state == "needs_grading"
    assert qsvc.quiz_final_grade(quiz=attempt.quiz, user=world.learner) is None
    assert not ItemCompletion.objects.filter(user=world.learner).exists()
    context = qsel.quiz_page_context(quiz=attempt.quiz, user=world.learner)
    assert context["final_grade"] is None and not context["passed"]
    html = client.get(attempt.quiz.url, **LANG).content.decode()
    assert "Awaiting grading" in html
    review = client.get(attempt_url("attempt-review", attempt), **LANG).content.decode()
    assert "Awaiting grading by a trainer" in review


def test_only_the_programmes_trainer_grades_within_the_mark(world, essay_attempt):
    _client, attempt = essay_attempt
    essay = attempt.responses.get(position=1)

    for intruder in (world.other_trainer, world.learner, world.outsider):
        with pytest.raises(PermissionDenied):
            qsvc.response_grade_manually(actor=intruder, response=essay, mark=D(2))
    for bad in (D(3), D("2.01"), D(-1)):
        with pytest.raises(qsvc.QuizError):
            qsvc.response_grade_manually(actor=world.trainer, response=essay, mark=bad)

    essay.refresh_from_db()
    assert (essay.mark, essay.graded_by) == (None, None)
    assert QuizAttempt.objects.get(pk=attempt.pk).needs_grading
    assert log_count("courses.attempt.grade", attempt) == 0


def test_trainers_mark_updates_grade_pass_and_completion(world, essay_attempt):
    client, attempt = essay_attempt
    essay = attempt.responses.get(position=1)

    qsvc.response_grade_manually(
        actor=world.trainer, response=essay, mark=D("1.5"), comment="Добре"
    )

    attempt.refresh_from_db()
    essay.refresh_from_db()
    assert (essay.mark, essay.state, essay.graded_by) == (
        D("1.5"),
        "partial",
        world.trainer,
    )
    assert not attempt.needs_grading
    assert (attempt.sum_marks, attempt.grade, attempt.passed) == (
        D("2.5"),
        D("83.33"),
        True,
    )
    completion = ItemCompletion.objects.get(user=world.learner, item_id=attempt.quiz_id)
    assert completion.source == "quiz"
    assert qsvc.quiz_final_grade(quiz=attempt.quiz, user=world.learner) == D("83.33")
    entry = _log_entries("courses.attempt.grade", attempt)
    assert len(entry) == 1 and entry[0]["new"] == "1.5" and entry[0]["old"] == "None"
    review = client.get(attempt_url("attempt-review", attempt), **LANG).content.decode()
    assert "83.33%" in review and "Добре" in review

    # A second mark replaces the first and is audited too.
    qsvc.response_grade_manually(actor=world.trainer, response=essay, mark=D(0))
    attempt.refresh_from_db()
    assert (attempt.grade, attempt.passed) == (D("33.33"), False)
    assert [e["old"] for e in _log_entries("courses.attempt.grade", attempt)] == [
        "None",
        "1.5000000",
    ]


def test_an_open_attempt_cannot_be_graded_by_hand(world):
    quiz = build_quiz(module=world.module, slots=[essay_question()])
    attempt = qsvc.attempt_start(user=world.learner, quiz=quiz)

    with pytest.raises(qsvc.QuizError):
        qsvc.response_grade_manually(
            actor=world.trainer, response=attempt.responses.get(), mark=D(1)
        )


def _log_entries(action: str, obj) -> list[dict]:
    return [
        e.data
        for e in ModelLogEntry.objects.filter(
            action=action,
            object_id=str(obj.pk),
            content_type__model=obj._meta.model_name,
        ).order_by("timestamp", "pk")
    ]


# --- regrading ---------------------------------------------------------------------------------


@pytest.fixture
def wrong_key(world):
    """A quiz whose multiple-choice key is wrong ("Рада" is right but worth 0),
    beside one question of every other auto-graded type; the learner chose
    "Рада" and answered the rest right."""
    mc = multichoice_question(choices=[("Рада", 0), ("Голова", 1), ("Виконком", 0)])
    others = [
        shortanswer_question(answers=[("Київ", 1)]),
        numerical_question(answers=[{"value": "2", "tolerance": "0"}]),
        matching_question(pairs=[("а", "1"), ("б", "2")]),
        ordering_question(items=["x", "y", "z"]),
        truefalse_question(correct=True),
        essay_question(),
    ]
    quiz = build_quiz(module=world.module, slots=[mc, *others], questions_per_page=0)
    client = login(world.learner)
    attempt = start(client, quiz)
    page = page_of(client, attempt_url("attempt", attempt))
    answers = {
        "q0-choice": page.value_for_label("q0-choice", "Рада"),
        "q1-text": "київ",
        "q2-text": "2",
        page.select_named("q3-match-", "а").name: "1",
        page.select_named("q3-match-", "б").name: "2",
        "q4-order": [ordering_ids(page, 4)[t] for t in "xyz"],
        "q5-value": "true",
        "q6-text": "",
    }
    post_page(client, attempt, page, answers)
    attempt = submit(client, attempt)
    assert attempt.responses.get(position=0).mark == 0
    assert attempt.sum_marks == 5 and attempt.max_marks == 7
    return mc, attempt


def _fix_key(mc: MultipleChoiceQuestion) -> None:
    Choice.objects.filter(question=mc, text="Рада").update(fraction=1)
    Choice.objects.filter(question=mc, text="Голова").update(fraction=0)


def test_regrade_dry_run_reports_and_writes_nothing(world, wrong_key):
    mc, attempt = wrong_key
    _fix_key(mc)
    before = list(
        attempt.responses.order_by("position").values_list("snapshot", "mark", "state")
    )

    changes = qsvc.quiz_regrade(actor=world.trainer, quiz=attempt.quiz, dry_run=True)

    assert [(c.attempt_id, c.position, c.old_mark, c.new_mark) for c in changes] == [
        (attempt.pk, 0, D(0), D(1))
    ]
    after = list(
        attempt.responses.order_by("position").values_list("snapshot", "mark", "state")
    )
    assert after == before
    fresh = QuizAttempt.objects.get(pk=attempt.pk)
    assert (fresh.sum_marks, fresh.grade) == (attempt.sum_marks, attempt.grade)
    assert log_count("courses.quiz.regrade", attempt.quiz) == 0


def test_regrade_updates_marks_and_keeps_the_opaque_ids(world, wrong_key):
    mc, attempt = wrong_key
    old_snapshot = attempt.responses.get(position=0).snapshot
    old_ids = [(a["id"], a["text"]) for a in old_snapshot["answers"]]
    _fix_key(mc)

    with pytest.raises(PermissionDenied):
        qsvc.quiz_regrade(actor=world.other_trainer, quiz=attempt.quiz, dry_run=False)
    changes = qsvc.quiz_regrade(actor=world.trainer, quiz=attempt.quiz, dry_run=False)

    assert [(c.position, c.old_mark, c.new_mark) for c in changes] == [(0, D(0), D(1))]
    response = attempt.responses.get(position=0)
    assert (response.mark, response.state) == (D(1), "correct")
    assert [(a["id"], a["text"]) for a in response.snapshot["answers"]] == old_ids
    assert response.response == {
        "choice": old_ids[[t for _i, t in old_ids].index("Рада")][0]
    }
    attempt.refresh_from_db()
    assert (attempt.sum_marks, attempt.grade) == (D(6), D("85.71"))
    assert log_count("courses.quiz.regrade", attempt.quiz) == 1
    # The other answers kept their marks; nothing else changed.
    marks = list(attempt.responses.order_by("position").values_list("mark", flat=True))
    assert marks == [D(1), D(1), D(1), D(1), D(1), D(1), D(0)]
    # Regrading again finds nothing more to change.
    assert qsvc.quiz_regrade(actor=world.trainer, quiz=attempt.quiz, dry_run=True) == []


def test_regrade_keeps_manual_marks(world, wrong_key):
    mc, attempt = wrong_key
    essay = attempt.responses.get(position=6)
    qsvc.response_grade_manually(actor=world.trainer, response=essay, mark=D(1))
    _fix_key(mc)

    qsvc.quiz_regrade(actor=world.trainer, quiz=attempt.quiz, dry_run=False)

    assert attempt.responses.get(position=6).mark == 1
    attempt.refresh_from_db()
    assert attempt.sum_marks == 7 and attempt.grade == 100


# --- editing the bank after an attempt ----------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def test_editing_questions_never_changes_a_finished_attempt(world):
    etq = every_type_quiz(world.module, essay=False)
    client = login(world.learner)
    attempt = start(client, etq.quiz)
    answer_every_page(client, attempt, mediocre_answers)
    attempt = submit(client, attempt)
    review_url = attempt_url("attempt-review", attempt)
    before_html = CSRF.sub("", client.get(review_url, **LANG).content.decode())
    before = list(
        QuestionResponse.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("mark", "state", "feedback", "right_answer")
    )

    q = etq.questions
    for question in q.values():
        question.text = "<p>EDITED question text</p>"
        question.general_feedback = "<p>EDITED general</p>"
        question.save()
    Choice.objects.filter(question=q["mcs"]).update(
        fraction=1, feedback="EDITED feedback", text="EDITED choice"
    )
    ShortAnswer.objects.filter(question=q["sa"]).update(text="*", fraction=1)
    q["tf"].correct = False
    q["tf"].save()
    q["match"].pairs.all().delete()

    after_html = CSRF.sub("", client.get(review_url, **LANG).content.decode())
    assert after_html == before_html
    assert "EDITED" not in after_html
    after = list(
        QuestionResponse.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("mark", "state", "feedback", "right_answer")
    )
    assert after == before
    assert QuizAttempt.objects.get(pk=attempt.pk).grade == attempt.grade
    # A new attempt gets the edited questions.
    new = qsvc.attempt_start(user=world.learner, quiz=etq.quiz)
    assert "EDITED" in new.responses.get(position=EveryTypeQuiz.MCS).snapshot["text"]


# --- the bank's snapshots --------------------------------------------------------------------


def test_a_numerical_question_of_the_bank_validates_and_grades():
    """Regression: ``NumericalAnswer.as_snapshot`` once wrote numbers as strings,
    which grading refuses (every attempt with a numerical question failed)."""
    question = numerical_question(
        answers=[
            {"value": "3.14", "tolerance": "0.01"},
            {"minimum": 10, "maximum": 12},
        ],
        validate=False,
    )
    snapshot = question.snapshot()

    assert question.validation_problems() == []
    assert grading.grade(snapshot, {"text": "3,15"}).state == "correct"
    assert grading.grade(snapshot, {"text": "11.5"}).state == "correct"
    assert grading.grade(snapshot, {"text": "3.16"}).state == "incorrect"
