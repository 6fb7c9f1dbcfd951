"""Quiz benchmark: saving and submitting an attempt, in-process.

Measures, for quizzes of 5 and 20 questions (all on one page, every question
type the engine grades automatically), the SQL queries and the CPU time of

* one autosave POST carrying every answer (``/learning/attempts/<id>/save/``),
* one submit POST that grades the attempt (``/learning/attempts/<id>/submit/``),

against a bare POST (a view that reads the logged-in user and returns, through
the same middleware) in
the same run. The claim to check: queries do not grow with the number of
questions, and grading costs a few milliseconds of CPU per submit.

Usage: ``python bench/quiz.py [--rounds N]``. It uses a throwaway SQLite file
(the shipped WAL + IMMEDIATE configuration) or ``DATABASE_URL`` if set, with
the production settings of ``bench/settings.py``. Results go to stdout and
``bench/results/quiz-latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("LMS_DATA_DIR", tmp)
    if not os.environ.get("DATABASE_URL"):
        os.environ["LMS_SQLITE_PATH"] = os.path.join(tmp, "quiz-bench.sqlite3")
    os.environ.setdefault("LMS_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _questions(category, n: int):
    from courses.models import (
        Choice,
        MatchingQuestion,
        MatchPair,
        MultipleChoiceQuestion,
        NumericalAnswer,
        NumericalQuestion,
        ShortAnswer,
        ShortAnswerQuestion,
        TrueFalseQuestion,
    )

    made = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            q = MultipleChoiceQuestion(
                category=category, name=f"mc{i}", text="<p>Оберіть</p>"
            )
            for k in range(4):
                q.choices.add(
                    Choice(text=f"Варіант {k}", fraction=Decimal(1 if k == 0 else 0))
                )
        elif kind == 1:
            q = MultipleChoiceQuestion(
                category=category,
                name=f"mm{i}",
                text="<p>Усі, що підходять</p>",
                single=False,
            )
            for k in range(4):
                q.choices.add(
                    Choice(
                        text=f"Варіант {k}", fraction=Decimal("0.5" if k < 2 else "-1")
                    )
                )
        elif kind == 2:
            q = TrueFalseQuestion(
                category=category, name=f"tf{i}", text="<p>Правда?</p>"
            )
        elif kind == 3:
            q = ShortAnswerQuestion(
                category=category, name=f"sa{i}", text="<p>Слово</p>"
            )
            q.answers.add(ShortAnswer(text="громада", fraction=Decimal(1)))
            q.answers.add(ShortAnswer(text="*", fraction=Decimal(0)))
        else:
            if i % 2:
                q = NumericalQuestion(
                    category=category, name=f"nu{i}", text="<p>Число</p>"
                )
                q.answers.add(
                    NumericalAnswer(value=Decimal("3.5"), tolerance=Decimal("0.1"))
                )
            else:
                q = MatchingQuestion(
                    category=category, name=f"ma{i}", text="<p>Зіставте</p>"
                )
                for a, b in (
                    ("Петиція", "мешканці"),
                    ("Рішення", "рада"),
                    ("", "ніхто"),
                ):
                    q.pairs.add(MatchPair(question_text=a, answer_text=b))
        q.save()
        made.append(q)
    return made


def _answers(attempt) -> dict[str, list[str]]:
    """A full, partly right set of answers in the form fields the page uses."""
    data: dict[str, list[str]] = {}
    for r in attempt.responses.all():
        s, p = r.snapshot, f"q{r.position}-"
        if s["type"] == "multichoice":
            ids = [a["id"] for a in s["answers"]]
            data[p + ("choice" if s["single"] else "choices")] = (
                ids[:1] if s["single"] else ids[:2]
            )
        elif s["type"] == "truefalse":
            data[p + "value"] = ["true"]
        elif s["type"] == "shortanswer":
            data[p + "text"] = ["Громада"]
        elif s["type"] == "numerical":
            data[p + "text"] = ["3,5"]
        elif s["type"] == "matching":
            for pair in s["pairs"]:
                if pair["question"]:
                    data[p + "match-" + pair["id"]] = [pair["answer"]]
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        _run(args.rounds)


def _run(rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    from courses import quiz_services, services
    from courses.models import ModulePage, QuestionCategory, QuizPage, QuizSlot
    from lms.demo.build import build_site

    call_command("migrate", verbosity=0)
    build_site()
    programme = build_site()["programme"]
    module = ModulePage.objects.child_of(programme).first()
    user = get_user_model().objects.create_user("quizbench")  # logs in by session
    services.enrolment_create(user=user, programme=programme)

    quizzes = {}
    for n in (5, 20):
        category = QuestionCategory.objects.create(name=f"bench-{n}")
        quiz = QuizPage(
            title=f"Bench {n}", slug=f"bench-quiz-{n}", questions_per_page=0
        )
        for q in _questions(category, n):
            quiz.slots.add(QuizSlot(question=q))
        module.add_child(instance=quiz)
        quiz.save_revision().publish()
        quizzes[n] = quiz

    bare_urls = type(
        "BareUrls",
        (),
        {
            "urlpatterns": [
                # Reads the session and the user, as every logged-in POST does.
                path(
                    "bare-post/",
                    csrf_exempt(lambda request: HttpResponse(str(request.user.pk))),
                ),
                path("", include("lms.urls")),
            ]
        },
    )
    results: dict = {"rounds": rounds, "database": connection.vendor}
    with override_settings(ROOT_URLCONF=bare_urls):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for _ in range(5):
            client.post("/bare-post/")
        bare_cpu = []
        for _ in range(rounds):
            t0 = time.process_time()
            client.post("/bare-post/")
            bare_cpu.append((time.process_time() - t0) * 1000)
        with CaptureQueriesContext(connection) as q:
            client.post("/bare-post/")
        results["bare"] = {"cpu_ms": statistics.median(bare_cpu), "queries": len(q)}

        for n, quiz in quizzes.items():
            save_cpu, submit_cpu, save_q, submit_q = [], [], [], []
            for r in range(rounds + 2):
                attempt = quiz_services.attempt_start(user=user, quiz=quiz)
                data = _answers(attempt)
                data["page"] = ["0"]
                headers = {"HTTP_ACCEPT": "application/json"}
                with CaptureQueriesContext(connection) as q1:
                    t0 = time.process_time()
                    response = client.post(
                        f"/learning/attempts/{attempt.pk}/save/", data, **headers
                    )
                    t1 = time.process_time()
                assert response.status_code == 200, response.content
                with CaptureQueriesContext(connection) as q2:
                    t2 = time.process_time()
                    response = client.post(
                        f"/learning/attempts/{attempt.pk}/submit/", **headers
                    )
                    t3 = time.process_time()
                assert response.status_code == 200, response.content
                if r >= 2:  # warm-up
                    save_cpu.append((t1 - t0) * 1000)
                    submit_cpu.append((t3 - t2) * 1000)
                    save_q.append(len(q1))
                    submit_q.append(len(q2))
            results[f"{n} questions"] = {
                "save_cpu_ms": statistics.median(save_cpu),
                "submit_cpu_ms": statistics.median(submit_cpu),
                "save_queries": max(save_q),
                "submit_queries": max(submit_q),
            }

    bare = results["bare"]["cpu_ms"]
    print(f"database: {results['database']}, rounds: {rounds}")
    print(f"bare POST: {bare:.2f} ms CPU, {results['bare']['queries']} queries")
    print(
        f"{'quiz':<14}{'save ms':>9}{'×bare':>7}{'save q':>8}{'submit ms':>11}{'×bare':>7}{'submit q':>10}"
    )
    for n in (5, 20):
        r = results[f"{n} questions"]
        print(
            f"{n:>3} questions {r['save_cpu_ms']:>9.2f}{r['save_cpu_ms'] / bare:>7.1f}"
            f"{r['save_queries']:>8}{r['submit_cpu_ms']:>11.2f}{r['submit_cpu_ms'] / bare:>7.1f}"
            f"{r['submit_queries']:>10}"
        )
    out = ROOT / "bench" / "results" / "quiz-latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
