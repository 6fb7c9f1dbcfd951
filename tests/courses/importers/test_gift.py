"""GIFT parser behaviour beyond the corpus: Ukrainian content, errors, security.

The conformance corpus pins Moodle's reading of well-formed questions; these
tests pin what the corpus does not: how bad input is reported (line numbers,
messages, the good questions still returned), the places where we are
stricter than Moodle, and that hostile text stays inert text.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from courses.importers import ParseError, ParseResult, parse_gift, to_json
from courses.importers.schema import QUESTION_KEYS
from tests.courses.importers import corpus


def only(text: str) -> dict:
    """The single question parsed from ``text``, asserting a clean parse."""
    result = parse_gift(text)
    assert result.errors == [], [str(e) for e in result.errors]
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


# --- Ukrainian content --------------------------------------------------------


def test_ukrainian_multichoice_with_weights_and_feedback() -> None:
    question = only(
        "::Громада::Хто ухвалює статут територіальної громади? {\n"
        "  =Рада громади#Так, статут ухвалює рада.\n"
        "  ~%-50%Голова громади#Ні: голова лише підписує.\n"
        "  ~%33.3%Загальні збори#Частково.\n"
        "}"
    )
    assert question["type"] == "multichoice"
    assert question["name"] == "Громада"
    assert question["text"] == "Хто ухвалює статут територіальної громади?"
    assert question["single"] is True
    assert [a["text"] for a in question["answers"]] == [
        "Рада громади",
        "Голова громади",
        "Загальні збори",
    ]
    assert [a["fraction"] for a in question["answers"]] == [1.0, -0.5, 0.333]
    assert question["answers"][1]["feedback"] == "Ні: голова лише підписує."


def test_ukrainian_truefalse_feedback_order_follows_moodle() -> None:
    question = only(
        "Місцевий референдум можна ініціювати онлайн.{FALSE"
        "#Ні, потрібні підписи на папері.#Правильно!####Див. закон 1700-IX}"
    )
    assert question["type"] == "truefalse"
    assert question["correct"] is False
    # First '#': shown to a learner who answered wrongly (here: who said TRUE).
    assert question["feedback_wrong"] == "Ні, потрібні підписи на папері."
    assert question["feedback_right"] == "Правильно!"
    assert question["general_feedback"] == "Див. закон 1700-IX"


def test_ukrainian_missing_word_short_answer() -> None:
    question = only(
        "Вищий орган місцевого самоврядування — {=рада =сільська рада} громади."
    )
    assert question["type"] == "shortanswer"
    assert question["embedded_blank"] is True
    assert question["text"] == "Вищий орган місцевого самоврядування — _____ громади."
    assert [a["text"] for a in question["answers"]] == ["рада", "сільська рада"]


def test_ukrainian_numerical_with_comma_decimal() -> None:
    question = only("Скільки годин в 1 кредиті ЄКТС?{#30}")
    assert question["answers"] == [
        {"value": 30, "tolerance": 0, "fraction": 1.0, "feedback": None}
    ]
    second = only("Частка кворуму?{#0,5:0,1}")
    assert second["answers"][0]["value"] == 0.5
    assert second["answers"][0]["tolerance"] == 0.1


def test_ukrainian_category_tags_and_matching() -> None:
    result = parse_gift(
        "$CATEGORY: $course$/top/Бюджет участі/Модуль 1\n"
        "\n"
        "// [id:БУ-01] [tag:бюджет] [tag: участь ]\n"
        "Зіставте інструмент і його суть.{\n"
        "  =Бюджет участі -> мешканці пропонують проєкти\n"
        "  =Громадські слухання -> обговорення з владою\n"
        "  = -> електронна петиція\n"
        "}"
    )
    assert result.errors == []
    category, matching = result.questions
    assert category == {
        "type": "category",
        "category": "$course$/top/Бюджет участі/Модуль 1",
    }
    assert matching["idnumber"] == "БУ-01"
    assert matching["tags"] == ["бюджет", "участь"]
    assert matching["pairs"][2] == {"question": "", "answer": "електронна петиція"}


# --- Errors: line numbers, messages, partial import ---------------------------


def test_good_and_bad_questions_mixed() -> None:
    text = (
        "// Файл з помилками\n"  # 1
        "Перше питання{T}\n"  # 2
        "\n"  # 3
        "Одна відповідь {~лише одна}\n"  # 4
        "\n"  # 5
        "::Рік::Коли ухвалено Конституцію? {#\n"  # 6
        "   =abc\n"  # 7
        "}\n"  # 8
        "\n"  # 9
        "Незакрите питання {=так\n"  # 10
        "\n"  # 11
        "Друге добре питання{=так =авжеж}\n"  # 12
    )
    result = parse_gift(text)
    assert [q["text"] for q in result.questions] == [
        "Перше питання",
        "Друге добре питання",
    ]
    assert [(e.line, e.question_index) for e in result.errors] == [
        (4, 2),
        (6, 3),
        (10, 4),
    ]
    messages = [e.message for e in result.errors]
    assert messages[0] == "multiple choice needs at least 2 answers"
    assert messages[1] == "numerical answer 'abc' is not a number"
    assert messages[2].startswith("unclosed answer block")
    assert result.errors[1].excerpt == "::Рік::Коли ухвалено Конституцію? {#"
    assert str(result.errors[0]) == (
        "line 4 (question 2): multiple choice needs at least 2 answers: "
        "Одна відповідь {~лише одна}"
    )
    assert not result.ok


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Q {=a ~b", "unclosed answer block: '{' has no matching '}'"),
        ("Q } {=a ~b}", "'}' without a preceding '{'"),
        ("Q =a ~b}", "'}' without a preceding '{'"),
        ("Q {=a {~b}", "'{' inside the answer block"),
        ("Q {=a ~b} and {=c}", "only one answer block is allowed"),
        ("Q {~one}", "multiple choice needs at least 2 answers"),
        ("Q {=a ~ ~c}", "answer 2 is empty"),
        ("Q {~%150%a ~b}", "weight 150% is outside -100%..100%"),
        ("Q {#}", "numerical question needs at least 1 answer"),
        ("Q {#1e999}", "numerical answer '1e999' is out of range"),
        ("Q {#5:-1}", "numerical answer '5:-1': the tolerance is negative"),
        ("Q {#5..1}", "numerical range '5..1': the minimum is above the maximum"),
        ("Q {#nan}", "numerical answer 'nan' is not a number"),
        ("Q {#1_000}", "numerical answer '1_000' is not a number"),
        ("Q {#1,000}", "numerical answer '1,000' is ambiguous"),
        ("Q {#3,14:0,125}", "numerical answer '0,125' is ambiguous"),
        ("Q {#*:2}", "the catch-all answer '*' cannot have a tolerance"),
        ("Q {#5 ~%50%4#close}", "only '~#feedback' may follow numerical answers"),
        ("Q {=a -> b =c}", "matching pair 'c' has no '->'"),
        ("Q {=a -> b =c ->}", "matching pair 'c ->' has no answer"),
        ("Q {=a -> b = -> c}", "matching needs at least 2 pairs with a sub-question"),
        ("$CATEGORY:", "$CATEGORY: needs a category path"),
    ],
)
def test_error_messages(source: str, message: str) -> None:
    result = parse_gift("Добре{T}\n\n" + source)
    assert len(result.questions) == 1
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.message.startswith(message), error.message
    assert (error.line, error.question_index) == (3, 2)


def test_error_line_is_the_first_non_comment_line_of_the_question() -> None:
    result = parse_gift("\n\n// [id:x]\n// коментар\nПитання {~a}\n")
    assert [(e.line, e.question_index) for e in result.errors] == [(5, 1)]


def test_blank_line_inside_braces_ends_the_question() -> None:
    result = parse_gift("Питання {\n=a\n\n~b\n}\n")
    assert result.questions == []
    assert [e.line for e in result.errors] == [1, 4]


# --- Moodle semantics the corpus does not spell out ---------------------------


def test_comment_lines_removed_inside_braces_and_feed_metadata() -> None:
    question = only(
        "Питання {\n"
        "  =так\n"
        "  // [tag:всередині] цей рядок не є відповіддю\n"
        "  ~ні\n"
        "}\n"
        "// [id:після]\n"
    )
    assert [a["text"] for a in question["answers"]] == ["так", "ні"]
    assert question["tags"] == ["всередині"]
    assert question["idnumber"] == "після"


def test_double_slash_later_in_a_line_is_text() -> None:
    question = only("Див. http://rada.gov.ua // не коментар {T}")
    assert question["text"] == "Див. http://rada.gov.ua // не коментар"


@pytest.mark.parametrize(
    ("comment", "idnumber", "tags"),
    [
        ("// [id:  abc  ]", "abc", None),
        ("// [id:a\\]b]", "a]b", None),
        ("// [tag:  one  ]", None, ["one"]),
        ("// [tag:x\\]y]", None, ["x]y"]),
        ("// que[tag:add]stion", None, ["add"]),
        ("// [tag:one\n// two]", None, None),
        ("// [id:first] [id:second]", "first", None),
        ("// [tag:<b>]", None, None),
        ("// just a comment", None, None),
    ],
)
def test_metadata_rules(comment: str, idnumber: str | None, tags: list | None) -> None:
    question = only(f"{comment}\nЕсе?{{}}")
    assert (question["idnumber"], question["tags"]) == (idnumber, tags)


def test_category_path_is_verbatim_and_may_hold_colons() -> None:
    result = parse_gift("$CATEGORY: $course$/top/Розділ 1: Вступ\nПитання{T}")
    # No blank line needed after a $CATEGORY line: the question is kept.
    assert result.errors == []
    assert result.questions[0] == {
        "type": "category",
        "category": "$course$/top/Розділ 1: Вступ",
    }
    assert result.questions[1]["type"] == "truefalse"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (r"a \~ b \= c \# d \{ e \} f \: g{}", "a ~ b = c # d { e } f : g"),
        (r"backslash \\ and \\n{}", "backslash \\ and \\n"),
        (r"line\nbreak{}", "line\nbreak"),
        (r"lone \ backslash \q{}", "lone \\ backslash \\q"),
    ],
)
def test_escapes(source: str, text: str) -> None:
    assert only(source)["text"] == text


def test_title_escaped_colon_and_unclosed_title_warning() -> None:
    assert only(r"::Тема 1\: вступ::Текст{T}")["name"] == "Тема 1: вступ"
    result = parse_gift("::Без кінця Текст{T}")
    assert result.questions[0]["name"] is None
    assert result.questions[0]["text"] == "Без кінця Текст"
    assert "not closed" in result.warnings[0].message


def test_formats_are_inherited_and_overridable() -> None:
    question = only(
        "[markdown]**Оберіть**{\n=[html]<b>так</b>#[plain]ok\n~ні\n####[html]<i>заг.</i>\n}"
    )
    assert question["text_format"] == "markdown"
    assert [a["format"] for a in question["answers"]] == ["html", "markdown"]
    assert question["answers"][0]["feedback"] == "ok"
    assert question["general_feedback"] == "<i>заг.</i>"
    assert only("[unknown]text{}")["text"] == "[unknown]text"


def test_multichoice_single_only_with_unescaped_equals() -> None:
    multi = only("Q{~%100%a ~b}")
    assert multi["single"] is False
    assert only(r"Q{~\=a ~%100%b}")["single"] is False
    assert only("Q{~a =b}")["single"] is True


def test_weight_after_equals_in_multichoice_is_read() -> None:
    question = only("Q{=%90%best ~%10%other}")
    assert question["single"] is True
    assert [a["fraction"] for a in question["answers"]] == [0.9, 0.1]


def test_numerical_forms() -> None:
    question = only(
        "Q{#\n =%100%1822:0#точно\n =%50%1820..1825\n =%25%-1.5e1\n ~#зовсім ні\n}"
    )
    assert question["answers"] == [
        {"value": 1822, "tolerance": 0, "fraction": 1.0, "feedback": "точно"},
        {"min": 1820, "max": 1825, "fraction": 0.5, "feedback": None},
        {"value": -15.0, "tolerance": 0, "fraction": 0.25, "feedback": None},
        {"value": "*", "tolerance": None, "fraction": 0.0, "feedback": "зовсім ні"},
    ]
    shorthand = only("Q{#3:2~#Зовсім ні}")
    assert [a["value"] for a in shorthand["answers"]] == [3, "*"]


def test_lower_case_true_is_a_short_answer_with_a_warning() -> None:
    result = parse_gift("Сонце сходить на сході.{true}")
    assert result.questions[0]["type"] == "shortanswer"
    assert result.questions[0]["answers"][0]["text"] == "true"
    assert "capitals" in result.warnings[0].message


def test_line_endings_and_bom() -> None:
    crlf = parse_gift("\ufeffA{T}\r\n\r\nB{F}\r\n")
    cr_only = parse_gift("A{T}\r\rB{F}\r")
    assert [q["text"] for q in crlf.questions] == ["A", "B"]
    assert crlf == cr_only


def test_type_detection_order() -> None:
    assert only("Q")["type"] == "description"
    assert only("Q{}")["type"] == "essay"
    assert only("Q{#5 ~#x}")["type"] == "numerical"
    assert only("Q{=a -> b ~c}")["type"] == "multichoice"
    assert only("Q{=a -> b =c -> d}")["type"] == "matching"
    assert only("Q{TRUE#x}")["type"] == "truefalse"
    assert only("Q{=TRUE}")["type"] == "shortanswer"


def test_empty_input_and_comment_only_input() -> None:
    assert parse_gift("") == ParseResult(questions=[], errors=[])
    assert parse_gift("// тільки коментар\n\n   \n") == ParseResult(
        questions=[], errors=[]
    )


def test_every_question_has_exactly_the_schema_keys() -> None:
    sources = [
        "$CATEGORY: x",
        "Опис",
        "Есе{}",
        "Q{=a ~b}",
        "Q{=a}",
        "Q{#1}",
        "Q{=a -> b =c -> d}",
        "Q{T}",
    ]
    for question in parse_gift("\n\n".join(sources)).questions:
        assert tuple(question) == QUESTION_KEYS[question["type"]]
        assert to_json(question) == question
        json.dumps(question)  # JSON-ready as is


def test_to_json_fills_absent_keys_and_drops_extras() -> None:
    out = to_json({"type": "essay", "text": "Q", "extra": "leak"})
    assert out == {
        "type": "essay",
        "name": None,
        "text": "Q",
        "text_format": None,
        "embedded_blank": False,
        "idnumber": None,
        "tags": None,
        "general_feedback": None,
    }
    with pytest.raises(ValueError, match="unknown question type"):
        to_json({"type": "calculated"})


# --- Untrusted input ----------------------------------------------------------

XSS_SCRIPT = "<script>alert(document.cookie)</script>"
XSS_IMG = '<img src=x onerror="alert(1)">'
#: As it must be written inside a GIFT answer block ("=" is syntax there).
XSS_IMG_GIFT = XSS_IMG.replace("=", "\\=")
PYTHON_PAYLOAD = "__import__('os').system('touch /tmp/pwned')"


@contextmanager
def forbidding_eval() -> Iterator[list[tuple]]:
    """Make eval/exec/compile raise (and record) while the parser runs.

    Scoped to the parse call only: pytest itself compiles code when it reports
    a failure.
    """
    calls: list[tuple] = []
    saved = {name: getattr(builtins, name) for name in ("eval", "exec", "compile")}

    def forbidden(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("the GIFT parser must never evaluate input")

    try:
        for name in saved:
            setattr(builtins, name, forbidden)
        yield calls
    finally:
        for name, original in saved.items():
            setattr(builtins, name, original)


def test_xss_payloads_pass_through_as_text_in_the_right_fields() -> None:
    with forbidding_eval() as calls:
        result = parse_gift(
            f"::{XSS_SCRIPT}::[html]{XSS_SCRIPT}Оберіть{{\n"
            f"  ={XSS_IMG_GIFT}#{XSS_SCRIPT}\n"
            f"  ~безпечно#{XSS_IMG_GIFT}\n"
            f"  ####{XSS_IMG_GIFT}\n"
            "}"
        )
    assert calls == []
    assert result.errors == []
    question = result.questions[0]
    # Not sanitised here (the import layer runs sanitize_html on HTML-format
    # text), not executed: the payload is data in the field it was written in.
    assert question["name"] == XSS_SCRIPT
    assert question["text"] == f"{XSS_SCRIPT}Оберіть"
    assert question["text_format"] == "html"
    assert question["answers"][0]["text"] == XSS_IMG
    assert question["answers"][0]["format"] == "html"
    assert question["answers"][0]["feedback"] == XSS_SCRIPT
    assert question["answers"][1]["feedback"] == XSS_IMG
    assert question["general_feedback"] == XSS_IMG


def test_unescaped_equals_in_html_splits_answers_as_in_moodle() -> None:
    # Moodle's rule, kept: inside a block every unescaped "=" starts an answer,
    # so HTML attributes must be written src\=... (the exporter does this).
    question = only('[html]Q{=<img src="a.png"> ~b}')
    assert [a["text"] for a in question["answers"]] == ["<img src", '"a.png">', "b"]


def test_code_in_a_numerical_answer_is_rejected_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with forbidding_eval() as calls:
        result = parse_gift(f"Q{{#{payload}}}\n\nQ{{#{PYTHON_PAYLOAD}:1}}\n\nQ{{#1+1}}")
    assert calls == []
    assert result.questions == []
    assert len(result.errors) == 3
    assert all("is not a number" in e.message for e in result.errors)
    assert not marker.exists()


def test_pathological_input_is_linear() -> None:
    # Many escapes, brackets and hashes in one question: must stay fast.
    text = "Q " + "\\{[id:\\]" * 20000 + "{" + "~a#" * 5000 + "}"
    result = parse_gift(text)
    assert len(result.questions) == 1


def test_parse_error_is_a_value_object() -> None:
    error = ParseError(3, None, "Question not started", "A) x")
    assert str(error) == "line 3: Question not started: A) x"
    assert error == ParseError(3, None, "Question not started", "A) x")


def test_missing_corpus_fails_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(corpus, "CORPUS_DIR", Path("/nonexistent/shared/gift"))
    params = corpus.case_params()
    assert [p.id for p in params] == ["corpus-missing"]
    with pytest.raises(pytest.fail.Exception, match="corpus not found"):
        corpus.load_case(None)
