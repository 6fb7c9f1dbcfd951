"""The trainer's reading of stored responses (pure, no database)."""

from __future__ import annotations

from decimal import Decimal

from courses.quiz_admin.display import question_numbers, response_display


def test_single_choice():
    snap = {
        "type": "multichoice",
        "single": True,
        "text": "<p>Хто?</p>",
        "answers": [
            {"id": "c1", "text": "Рада", "fraction": 1.0, "feedback": "Так"},
            {"id": "c2", "text": "Мер", "fraction": 0.0, "feedback": ""},
        ],
    }
    view = response_display(snap, {"choice": "c2"})
    assert [(o.text, o.chosen, o.percent) for o in view.options] == [
        ("Рада", False, Decimal("100.0")),
        ("Мер", True, Decimal("0.0")),
    ]
    assert view.answered and view.text == "<p>Хто?</p>"
    assert not response_display(snap, {"choice": None}).answered
    assert not response_display(snap, None).answered


def test_truefalse_unanswered_and_answered():
    snap = {"type": "truefalse", "correct": False}
    assert response_display(snap, {"value": None}).answered is False
    view = response_display(snap, {"value": False})
    assert (view.bool_value, view.bool_correct, view.answered) == (False, False, True)


def test_essay_text_and_words():
    view = response_display({"type": "essay"}, {"text": "<b>два</b> слова"})
    assert view.answer_text == "<b>два</b> слова"  # escaped by the template
    assert view.words == 2
    assert not response_display({"type": "essay"}, {"text": "  "}).answered


def test_matching_skips_distractors():
    snap = {
        "type": "matching",
        "pairs": [
            {"id": "p1", "question": "А", "answer": "1"},
            {"id": "p2", "question": "", "answer": "зайве"},
        ],
    }
    view = response_display(snap, {"matches": {"p1": "зайве"}})
    assert [(m.stem, m.given, m.correct, m.right) for m in view.matches] == [
        ("А", "зайве", "1", False)
    ]


def test_ordering_ignores_unknown_ids():
    snap = {
        "type": "ordering",
        "items": [{"id": "i1", "text": "1"}, {"id": "i2", "text": "2"}],
    }
    view = response_display(snap, {"order": ["i2", "evil", "i1"]})
    assert view.given_order == ["2", "1"]
    assert view.correct_order == ["1", "2"]


def test_unknown_type_is_shown_as_json_text():
    view = response_display({"type": "gapselect"}, {"gaps": ["<x>"]})
    assert view.raw == '{"gaps": ["<x>"]}'
    assert view.answered


def test_descriptions_are_not_numbered():
    snaps = [
        (0, {"type": "description"}),
        (1, {"type": "essay"}),
        (2, {"type": "truefalse"}),
    ]
    assert question_numbers(snaps) == {1: 1, 2: 2}
