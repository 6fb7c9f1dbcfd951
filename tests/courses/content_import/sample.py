"""A small, valid programme folder written into a temporary directory."""

from __future__ import annotations

from pathlib import Path

PROGRAMME_YAML = """\
title: "Тестова програма"
title_en: "Test Programme"
kind: short
hours: 3
ects: null
audience: "Усі"
summary: "Коротко."
enrolment_policy: open
outcomes:
  - "Пояснює щось"
description: |
  Огляд **програми**.
"""

MODULE_YAML = """\
title: "Перший модуль"
title_en: "First Module"
hours: {hours}
summary: "Про модуль."
outcomes:
  - "Вміє щось"
"""

LESSON_MD = """\
---
title: "Урок {n}"
title_en: "Lesson {n}"
minutes: 15
as_of: 2026-11-01
sources:
  - title: "Закон"
    url: "https://zakon.rada.gov.ua/laws/show/280/97-вр"
---

## Розділ

Перший абзац із [посиланням](https://example.org) і **жирним**.

- пункт один
- пункт два

> Цитата.
> — Автор цитати

:::tip Порада
Текст поради.
:::

:::accordion Питання 1
Відповідь 1.
:::

:::accordion Питання 2
Відповідь 2.
:::
"""

QUIZ_GIFT = """\
// [id:t-q1]
::Q1::Столиця України — Київ.{T}

// [id:t-q2]
::Q2::Скільки буде 2+2?{#4}

// [id:t-q3]
::Q3::Оберіть правильне.{=Так ~Ні ~Можливо}
"""

QUIZ_YAML = """\
title: "Тест модуля"
title_en: "Module quiz"
pass_mark: 60
attempts_allowed: 0
grading_method: highest
time_limit_minutes: null
questions_per_page: 2
shuffle_questions: false
navigation: free
feedback_bands:
  - {min_percent: 80, text: "Чудово"}
  - {min_percent: 0, text: "Спробуйте ще"}
"""


def write_programme(root: Path, slug: str = "test-programme") -> Path:
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    for n, (module_slug, hours) in enumerate(
        [("pershyi", "2"), ("druhyi", "1")], start=1
    ):
        module = folder / f"0{n}-{module_slug}"
        module.mkdir()
        (module / "module.yaml").write_text(
            MODULE_YAML.format(hours=hours), encoding="utf-8"
        )
        for lesson in (1, 2):
            (module / f"0{lesson}-urok-{lesson}.md").write_text(
                LESSON_MD.format(n=lesson), encoding="utf-8"
            )
        if n == 1:
            (module / "quiz.gift").write_text(QUIZ_GIFT, encoding="utf-8")
            (module / "quiz.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    return folder
