"""Seed a freshly migrated benchmark database and describe it as JSON.

Run by ``bench/run.py`` as ``python -m bench.seed OUT.json`` with
``DJANGO_SETTINGS_MODULE=bench.settings`` and the database chosen through the
environment. It builds:

* the demo site (``lms.demo.build.build_site``);
* a benchmark programme of ``MODULES`` x ``LESSONS_PER_MODULE`` lessons whose
  bodies are the demo lesson blocks rotated and repeated until each renders
  to at least ``BODY_BYTES`` of HTML;
* a bare tree of ``StandardPage`` pages at the same depth as the lessons
  (``/bare/course/module-k/page-n/``), page *n* carrying exactly the body of
  lesson *n*: the same HTML, served by plain Wagtail routing and templates
  (and the same pages once more right under the home page, ``/flat-n/``, as an
  in-process reference for how much the depth of the tree costs);
* ``PAGE_LEARNERS`` enrolled learners with some progress, ``WRITE_LEARNERS``
  enrolled learners with none (the wrk write load) and ``PROBE_LEARNERS`` more
  (the in-process write probe), each with a logged-in session and a CSRF
  cookie/token pair, so no login happens under load.

Rows for learners are bulk-inserted (seeding speed); pages go through the
normal Wagtail ``add_child`` + publish path, so sanitising and revisions run.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import timedelta

import django

MODULES = 4
LESSONS_PER_MODULE = 5
BODY_BYTES = 20 * 1024
PAGE_LEARNERS = 50
WRITE_LEARNERS = int(os.environ.get("BENCH_WRITE_LEARNERS", "1000"))
PROBE_LEARNERS = 100  # for the in-process write probe (bench/inproc.py)
WITH_FLAT = os.environ.get("BENCH_FLAT", "1") == "1"
SEED = 20261127


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def _lesson_bodies(count: int) -> tuple[list[str], list[int]]:
    """``count`` StreamField bodies (JSON) of at least ``BODY_BYTES`` rendered."""
    from courses.blocks import LessonStreamBlock
    from lms.demo import sample_programme as content
    from lms.demo.build import stream_body

    pool = [
        block
        for module in content.SAMPLE_PROGRAMME["modules"]
        for lesson in module["lessons"]
        for block in lesson["body"]
    ]
    stream_block = LessonStreamBlock()
    bodies, sizes = [], []
    for n in range(count):
        blocks: list = []
        size = 0
        i = n * 3  # a different rotation for every lesson
        while size < BODY_BYTES:
            blocks.append(pool[i % len(pool)])
            i += 1
            raw = json.loads(stream_body(blocks))
            value = stream_block.to_python(raw)
            size = len(stream_block.render(value).encode())
        bodies.append(stream_body(blocks))
        sizes.append(size)
    return bodies, sizes


def _child(parent, model, slug: str, **fields):
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _sessions(users) -> list[dict]:
    """A logged-in session and a CSRF secret per user, stored like Django does."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows, out = [], []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(
                session_key=key, session_data=store.encode(data), expire_date=expire
            )
        )
        # Django accepts the unmasked 32-character secret as the token too.
        csrf = get_random_string(32)
        out.append(
            {"user": user.pk, "username": user.username, "session": key, "csrf": csrf}
        )
    Session.objects.bulk_create(rows, batch_size=500)
    return out


def seed() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cms_pages.models import StandardPage
    from courses.models import (
        Enrolment,
        ItemCompletion,
        LessonPage,
        ModulePage,
        ProgrammePage,
    )
    from lms.demo import sample_programme as content
    from lms.demo.build import _sources, build_site

    rng = random.Random(SEED)
    site = build_site()
    home, catalogue = site["home"], site["catalogue"]
    total = MODULES * LESSONS_PER_MODULE
    bodies, body_sizes = _lesson_bodies(total)
    sources = _sources(
        content.SAMPLE_PROGRAMME["modules"][0]["lessons"][0].get("sources", [])
    )

    with transaction.atomic():
        programme = _child(
            catalogue,
            ProgrammePage,
            "bench-programme",
            title="Програма для вимірювань",
            title_en="Benchmark programme",
            kind="short",
            hours=20,
            summary="Двадцять уроків приблизно по 20 КБ.",
            enrolment_policy="open",
        )
        bare_root = _child(home, StandardPage, "bare", title="Без LMS")
        bare_course = _child(bare_root, StandardPage, "course", title="Курс")
        lessons, bare, flat = [], [], []
        n = 0
        for m in range(1, MODULES + 1):
            module = _child(
                programme,
                ModulePage,
                f"module-{m}",
                title=f"Модуль {m}: бюджет участі та місцеві ініціативи",
                title_en=f"Module {m}",
                hours=5,
            )
            bare_module = _child(
                bare_course, StandardPage, f"module-{m}", title=f"Модуль {m}"
            )
            for _ in range(LESSONS_PER_MODULE):
                n += 1
                title = f"Урок {n}: положення, цикл і ініціативна група громади"
                lesson = _child(
                    module,
                    LessonPage,
                    f"lesson-{n}",
                    title=title,
                    title_en=f"Lesson {n}",
                    estimated_minutes=25,
                    body=bodies[n - 1],
                    sources=sources,
                )
                page = _child(
                    bare_module,
                    StandardPage,
                    f"page-{n}",
                    title=title,
                    body=bodies[n - 1],
                )
                lessons.append({"id": lesson.pk, "url": lesson.url})
                bare.append({"id": page.pk, "url": page.url})
                if WITH_FLAT:
                    flat_page = _child(
                        home, StandardPage, f"flat-{n}", title=title, body=bodies[n - 1]
                    )
                    flat.append({"id": flat_page.pk, "url": flat_page.url})

    User = get_user_model()
    unusable = make_password(None)
    lesson_ids = [x["id"] for x in lessons]
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    username=f"bench{i:05d}",
                    email=f"bench{i:05d}@example.org",
                    password=unusable,
                )
                for i in range(PAGE_LEARNERS + WRITE_LEARNERS + PROBE_LEARNERS)
            ],
            batch_size=500,
        )
        users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
        page_users = users[:PAGE_LEARNERS]
        write_users = users[PAGE_LEARNERS : PAGE_LEARNERS + WRITE_LEARNERS]
        probe_users = users[PAGE_LEARNERS + WRITE_LEARNERS :]
        enrolments, completions = [], []
        for i, user in enumerate(users):
            done = (
                rng.sample(lesson_ids, rng.randrange(total))
                if i < PAGE_LEARNERS
                else []
            )
            enrolments.append(
                Enrolment(
                    user=user,
                    programme=programme,
                    status="active",
                    required_count=total,
                    completed_count=len(done),
                )
            )
            completions += [
                ItemCompletion(user=user, item_id=item, programme=programme)
                for item in done
            ]
        Enrolment.objects.bulk_create(enrolments, batch_size=500)
        ItemCompletion.objects.bulk_create(completions, batch_size=500)
        page_sessions = _sessions(page_users)
        write_sessions = _sessions(write_users)
        probe_sessions = _sessions(probe_users)

    pairs = [(s, lesson) for s in write_sessions for lesson in lesson_ids]
    rng.shuffle(pairs)
    probes = [(s, lesson) for s in probe_sessions for lesson in lesson_ids]
    rng.shuffle(probes)
    return {
        "programme": {"id": programme.pk, "url": programme.url},
        "lessons": lessons,
        "bare": bare,
        "bare_flat": flat,
        "body_bytes": body_sizes,
        "page_sessions": page_sessions,
        "write_pairs": [
            {"session": s["session"], "csrf": s["csrf"], "item": item}
            for s, item in pairs
        ],
        "probe_pairs": [
            {"session": s["session"], "csrf": s["csrf"], "item": item}
            for s, item in probes
        ],
        "completions_before": ItemCompletion.objects.count(),
    }


def main() -> None:
    _setup()
    data = seed()
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        json.dump(data, fh)


if __name__ == "__main__":
    main()
