"""The pure layer between schema dicts and model values (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.importers import parse_gift
from courses.question_bank.conversion import (
    data_to_schema,
    default_name,
    join_category_path,
    plain_text,
    rich_text,
    schema_to_data,
    split_category_path,
)
from courses.question_bank.snapshots import build_snapshot, snapshot_problems
from tests.courses.importers.corpus import differences


class TestText:
    def test_html_is_sanitised(self):
        html = '<p onclick="x()">Так<script>alert(1)</script><img src=x onerror=alert(2)></p>'
        stored = rich_text(html, "html")
        assert "<script" not in stored
        assert "onerror" not in stored
        assert "onclick" not in stored
        assert stored.startswith("<p>Так")

    def test_moodle_format_is_html_too(self):
        assert rich_text("<b>жирний</b>", "moodle") == "<b>жирний</b>"

    @pytest.mark.parametrize("fmt", ["plain", "markdown"])
    def test_plain_is_escaped_and_wrapped(self, fmt):
        stored = rich_text("a < b & <script>x</script>\nрядок 2\n\nабзац", fmt)
        assert stored == (
            "<p>a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;<br>рядок 2</p><p>абзац</p>"
        )

    def test_empty(self):
        assert rich_text(None, "html") == ""
        assert rich_text("", "plain") == ""
        assert plain_text(None, "moodle") == ""

    def test_plain_field_from_html_keeps_only_text(self):
        assert (
            plain_text("x &lt; 5 &amp; <b>y</b><script>z</script>", "html")
            == "x < 5 & yz"
        )
        assert plain_text("<img src=x onerror=alert(1)>", "moodle") == ""

    def test_plain_field_from_plain_is_kept(self):
        assert plain_text("<b>literal</b>", "plain") == "<b>literal</b>"

    def test_default_name_is_the_text_start(self):
        assert default_name("<p>Яка   столиця\nУкраїни?</p>") == "Яка столиця України?"
        long = "<p>" + "слово " * 40 + "</p>"
        name = default_name(long)
        assert len(name) <= 80 and name.endswith("…")
        assert default_name("") == "—"


class TestCategoryPaths:
    @pytest.mark.parametrize(
        ("path", "names"),
        [
            ("$course$/top/Default for X/Sub", ["Default for X", "Sub"]),
            ("$system$/Top", []),
            ("Бюджет / Участь", ["Бюджет", "Участь"]),
            ("Бюджет/Участь/", ["Бюджет", "Участь"]),
            ("A//B/C", ["A/B", "C"]),
            ("Unit 1: Topic", ["Unit 1: Topic"]),
            ("  ", []),
        ],
    )
    def test_split(self, path, names):
        assert split_category_path(path) == names

    def test_join_is_the_inverse(self):
        names = ["A/B", "Громада", "C"]
        assert split_category_path(join_category_path(names)) == names


def _one(source: str) -> dict:
    result = parse_gift(source)
    assert not result.errors, result.errors
    return result.questions[0]


class TestSchemaToData:
    def test_numerical_shapes(self):
        data = schema_to_data(_one("Q {#=3.14:0.01 =%50%1..2 ~#ні}"))
        assert data.children == [
            {
                "catch_all": False,
                "value": Decimal("3.14"),
                "tolerance": Decimal("0.01"),
                "minimum": None,
                "maximum": None,
                "fraction": Decimal("1"),
                "feedback": "",
            },
            {
                "catch_all": False,
                "value": None,
                "tolerance": Decimal("0"),
                "minimum": Decimal("1"),
                "maximum": Decimal("2"),
                "fraction": Decimal("0.5"),
                "feedback": "",
            },
            {
                "catch_all": True,
                "value": None,
                "tolerance": Decimal("0"),
                "minimum": None,
                "maximum": None,
                "fraction": Decimal("0"),
                "feedback": "ні",
            },
        ]

    def test_fractions_fit_the_model(self):
        data = schema_to_data(
            _one("Q {~%33.333333333%a ~%33.333333333%b ~%33.333333333%c}")
        )
        assert [row["fraction"] for row in data.children] == [Decimal("0.3333333")] * 3

    def test_matching_distractor_has_an_empty_item(self):
        data = schema_to_data(_one("Q {=а -> 1 =б -> 2 = -> 3}"))
        assert data.children[-1] == {"question_text": "", "answer_text": "3"}

    def test_unnamed_question_gets_its_text_as_name(self):
        assert schema_to_data(_one("Скільки буде 2+2? {=4}")).fields["name"] == (
            "Скільки буде 2+2?"
        )

    def test_description_is_worth_nothing(self):
        assert schema_to_data(_one("Лише текст")).fields["default_mark"] == 0

    def test_unsupported_type(self):
        with pytest.raises(ValueError):
            schema_to_data({"type": "ordering"})


ROUND_TRIP = [
    "::МВ:: Хто? {=Громада#так ~Рада#ні ~%-50%Мер}",
    "::Кілька:: Оберіть {~%50%а ~%50%б ~%-100%в ####Загальний відгук}",
    "::ПН:: Так? {TRUE#не так#саме так}",
    "Коротка? {=київ =%50%*київ*#майже}",
    "::Число:: Рік? {#=1991:0 =%50%1990..1992 ~#ні}",
    "::Пари:: Зіставте {=а -> 1 =б -> 2 = -> 3}",
    "::Есе:: Напишіть{####Дякуємо}",
    "::Опис:: Лише текст",
    "Столиця України — {=Київ} місто.",
]


@pytest.mark.parametrize("source", ROUND_TRIP)
def test_schema_data_schema_is_stable(source):
    """Without a database: schema -> model values -> schema -> GIFT -> schema."""
    from courses.importers import export_gift

    first = _one(source)
    second = data_to_schema(schema_to_data(first))
    third = _one(export_gift([second]))
    assert not differences(third, first), differences(third, first)


class TestSnapshots:
    def test_single_choice_needs_a_full_mark(self):
        problems = snapshot_problems(
            type_code="multichoice",
            fields={"single": True},
            children=[
                {"text": "a", "fraction": Decimal("0.5")},
                {"text": "b", "fraction": Decimal("0")},
            ],
        )
        assert any("100%" in p for p in problems)

    def test_multi_choice_grades_must_add_up(self):
        problems = snapshot_problems(
            type_code="multichoice",
            fields={"single": False},
            children=[
                {"text": "a", "fraction": Decimal("0.5")},
                {"text": "b", "fraction": Decimal("0.4")},
            ],
        )
        assert any("add up to 100%" in p for p in problems)

    def test_numerical_decimals_are_numbers(self):
        snapshot = build_snapshot(
            type_code="numerical",
            fields={},
            children=[
                {"value": Decimal("3.14"), "tolerance": Decimal("0"), "fraction": 1}
            ],
        )
        assert snapshot["answers"][0]["value"] == Decimal("3.14")
        assert (
            snapshot_problems(
                type_code="numerical",
                fields={},
                children=[
                    {"value": Decimal("3.14"), "tolerance": Decimal("0"), "fraction": 1}
                ],
            )
            == []
        )

    def test_numerical_row_with_value_and_range_is_refused(self):
        problems = snapshot_problems(
            type_code="numerical",
            fields={},
            children=[
                {
                    "value": Decimal("1"),
                    "minimum": Decimal("0"),
                    "maximum": Decimal("2"),
                    "fraction": 1,
                }
            ],
        )
        assert problems
