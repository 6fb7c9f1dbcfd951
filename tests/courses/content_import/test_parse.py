"""Reading a programme folder: Markdown constructs and located errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.content_import.parse import (
    ContentError,
    blocks_word_count,
    markdown_to_blocks,
    programme_parse,
    programme_read,
)

from .sample import write_programme


def blocks(text):
    result, problems = markdown_to_blocks(text, path="x.md")
    assert problems == []
    return result


def test_headings_become_heading_blocks():
    assert blocks("## Розділ\n\n### Підрозділ\n") == [
        {"type": "heading", "value": {"text": "Розділ", "level": "h2"}},
        {"type": "heading", "value": {"text": "Підрозділ", "level": "h3"}},
    ]


def test_consecutive_paragraphs_lists_and_links_merge_into_one_block():
    result = blocks(
        "Один **жирний** і *курсив*.\n\nДругий з [лінком](https://e.org).\n\n"
        "- а\n- б\n\n1. перший\n2. другий\n"
    )
    assert len(result) == 1
    html = result[0]["value"]
    assert result[0]["type"] == "paragraph"
    assert "<strong>жирний</strong>" in html and "<em>курсив</em>" in html
    assert '<a href="https://e.org">лінком</a>' in html
    assert "<ul>" in html and "<ol>" in html


def test_html_is_sanitised():
    result = blocks("Текст <script>alert(1)</script> [x](javascript:alert(1))\n")
    html = result[0]["value"]
    assert "<script" not in html and "javascript:" not in html


def test_quote_with_and_without_attribution():
    assert blocks("> Слова.\n> — Автор, 2024\n") == [
        {"type": "quote", "value": {"text": "Слова.", "attribution": "Автор, 2024"}}
    ]
    assert blocks("> Лише слова.\n")[0]["value"] == {
        "text": "Лише слова.",
        "attribution": "",
    }


def test_pipe_table_becomes_table_block():
    result = blocks("| A | B |\n|---|---|\n| 1 | **2** |\n| 3 |  |\n")
    assert result == [
        {
            "type": "table",
            "value": {
                "data": [["A", "B"], ["1", "2"], ["3", ""]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "",
            },
        }
    ]


@pytest.mark.parametrize("kind", ["info", "tip", "warning", "task"])
def test_callouts(kind):
    result = blocks(f"Вступ.\n\n:::{kind} Заголовок\nТекст **тут**.\n\n- пункт\n:::\n")
    assert result[0]["type"] == "paragraph"
    assert result[1] == {
        "type": "callout",
        "value": {
            "kind": kind,
            "title": "Заголовок",
            "body": "<p>Текст <strong>тут</strong>.</p>\n<ul>\n<li>пункт</li>\n</ul>",
        },
    }


def test_consecutive_accordions_form_one_block_and_text_splits_them():
    result = blocks(
        ":::accordion Перше\nА.\n:::\n\n\n:::accordion Друге\nБ.\n:::\n"
        "Між ними.\n\n:::accordion Третє\nВ.\n:::\n"
    )
    assert [b["type"] for b in result] == ["accordion", "paragraph", "accordion"]
    assert result[0]["value"] == [
        {"title": "Перше", "body": "<p>А.</p>"},
        {"title": "Друге", "body": "<p>Б.</p>"},
    ]
    assert result[2]["value"] == [{"title": "Третє", "body": "<p>В.</p>"}]


def test_directive_errors_carry_lines():
    _blocks, problems = markdown_to_blocks(
        "Текст\n\n:::danger Ой\nX\n:::\n\n:::tip Без кінця\nY\n",
        path="l.md",
        first_line=10,
    )
    messages = [str(p) for p in problems]
    assert messages[0].startswith("l.md:12: Unknown block ':::danger'")
    assert messages[1].startswith("l.md:16: ':::tip' is never closed")


def test_word_count_covers_all_text_blocks():
    result = blocks(
        "## Два слова\n\nТри слова тут.\n\n:::tip Т\nОдне\n:::\n\n| a | b |\n|--|--|\n"
    )
    assert blocks_word_count(result) == 2 + 3 + 2 + 2


def test_sample_programme_parses(tmp_path):
    spec = programme_parse(write_programme(tmp_path))
    assert spec.slug == "test-programme" and spec.hours == 3
    assert [m.slug for m in spec.modules] == ["pershyi", "druhyi"]
    assert spec.modules[0].hours == Decimal("2")
    assert [lesson.slug for lesson in spec.modules[0].lessons] == ["urok-1", "urok-2"]
    lesson = spec.modules[0].lessons[0]
    assert lesson.minutes == 15 and lesson.sources[0].title == "Закон"
    assert spec.modules[0].quiz.slug == "quiz"
    assert spec.modules[0].quiz.feedback_bands[0].min_percent == 80
    assert spec.modules[1].quiz is None


def problems_of(folder):
    _spec, problems = programme_read(folder)
    return [str(p) for p in problems]


def test_yaml_syntax_error_has_line(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "programme.yaml").write_text(
        'title: "X"\nkind: short\nhours: [3\n', encoding="utf-8"
    )
    messages = problems_of(folder)
    assert len(messages) == 1
    assert messages[0].startswith("test-programme/programme.yaml:4: YAML error")


def test_unknown_and_missing_keys(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "01-pershyi" / "module.yaml").write_text(
        'title: "M"\ncolour: red\n', encoding="utf-8"
    )
    messages = problems_of(folder)
    assert (
        "test-programme/01-pershyi/module.yaml:2: Unknown key 'colour'" in (messages[0])
    )
    assert "test-programme/01-pershyi/module.yaml:1: Missing required key 'hours'." in (
        messages
    )


def test_front_matter_errors(tmp_path):
    folder = write_programme(tmp_path)
    lesson = folder / "01-pershyi" / "01-urok-1.md"
    lesson.write_text("## Немає front matter\n", encoding="utf-8")
    other = folder / "01-pershyi" / "02-urok-2.md"
    other.write_text('---\ntitle: "X"\nminutes: lots\n---\nТекст\n', encoding="utf-8")
    messages = problems_of(folder)
    assert (
        "test-programme/01-pershyi/01-urok-1.md:1: The lesson must start with "
        "'---' front matter." in messages
    )
    assert (
        "test-programme/01-pershyi/02-urok-2.md:3: 'minutes' must be a whole "
        "number >= 1." in messages
    )


def test_slug_rules(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "01-pershyi" / "03-Urok_Bad.md").write_text("x", encoding="utf-8")
    (folder / "01-pershyi").rename(folder / "1-pershyi")
    messages = problems_of(folder)
    assert any(
        m.startswith("test-programme/1-pershyi: '1-pershyi' must be named NN-slug")
        for m in messages
    ), messages


def test_bad_lesson_file_name(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "01-pershyi" / "03-Urok_Bad.md").write_text("x", encoding="utf-8")
    messages = problems_of(folder)
    assert any(
        "03-Urok_Bad.md: '03-Urok_Bad' must be named NN-slug" in m for m in messages
    )


def test_module_hours_must_add_up(tmp_path):
    folder = write_programme(tmp_path)
    path = folder / "programme.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("hours: 3", "hours: 4"),
        encoding="utf-8",
    )
    assert problems_of(folder) == [
        "test-programme/programme.yaml:4: Module hours add up to 3, but the "
        "programme has 4 hours."
    ]


def test_certificate_needs_ects_times_30(tmp_path):
    folder = write_programme(tmp_path)
    path = folder / "programme.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("kind: short", "kind: certificate")
        .replace("ects: null", "ects: 2"),
        encoding="utf-8",
    )
    messages = problems_of(folder)
    assert messages[0].startswith(
        "test-programme/programme.yaml:4: Hours must equal ECTS x 30: 2 ECTS = 60"
    )


def test_gift_errors_are_located(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "01-pershyi" / "quiz.gift").write_text(
        "::A::Добре{T}\n\n::B::Погано{=a ~b\n", encoding="utf-8"
    )
    messages = problems_of(folder)
    assert len(messages) == 1
    assert messages[0].startswith("test-programme/01-pershyi/quiz.gift:3: ")


def test_programme_parse_raises_with_all_problems(tmp_path):
    folder = write_programme(tmp_path)
    (folder / "programme.yaml").unlink()
    with pytest.raises(ContentError) as exc:
        programme_parse(folder)
    assert "programme.yaml is missing" in str(exc.value)
