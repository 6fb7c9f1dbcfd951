"""Reads for the question bank: category paths and questions as plain values.

Category paths are built from one query over all categories (a bank has
hundreds of categories, not millions), instead of ``QuestionCategory.path``,
which walks the parents with a query per level and per row.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    Case,
    IntegerField,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from ..models import Question, QuestionCategory
from .conversion import CHILD_IMPORT_FIELDS, QuestionData
from .snapshots import CHILD_RELATIONS

__all__ = [
    "categories_in_tree_order",
    "category_path_map",
    "category_paths_by_names",
    "category_subtree",
    "question_data",
    "questions_for_export",
]

#: The question fields read back for comparison and export, per type.
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "multichoice": ("single", "shuffle_choices"),
    "truefalse": ("correct", "feedback_right", "feedback_wrong"),
    "shortanswer": ("case_sensitive",),
    "numerical": (),
    "matching": ("shuffle_choices",),
    "ordering": ("grading_type",),
    "essay": ("min_words", "max_words"),
    "description": (),
}
_COMMON_FIELDS = ("name", "idnumber", "text", "general_feedback", "default_mark")
#: The child fields read back: what an import sets, plus ordering items
#: (which GIFT cannot carry, so the importer never writes them).
_CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    **CHILD_IMPORT_FIELDS,
    "ordering": ("text",),
}


def _names_by_id() -> dict[int, tuple[str, int | None]]:
    return {
        pk: (name, parent_id)
        for pk, name, parent_id in QuestionCategory.objects.values_list(
            "pk", "name", "parent_id"
        )
    }


def category_path_map() -> dict[int, str]:
    """``{category id: "Top / Middle / Leaf"}`` for every category, in one query."""
    nodes = _names_by_id()
    paths: dict[int, str] = {}
    for pk in nodes:
        names, node, seen = [], pk, set()
        while node is not None and node in nodes and node not in seen:
            seen.add(node)
            names.append(nodes[node][0])
            node = nodes[node][1]
        paths[pk] = " / ".join(reversed(names))
    return paths


def category_paths_by_names() -> dict[tuple[str, ...], int]:
    """``{("Top", "Leaf"): id}``: how an imported path finds its category."""
    nodes = _names_by_id()
    found: dict[tuple[str, ...], int] = {}
    for pk in nodes:
        names, node, seen = [], pk, set()
        while node is not None and node in nodes and node not in seen:
            seen.add(node)
            names.append(nodes[node][0])
            node = nodes[node][1]
        found[tuple(reversed(names))] = pk
    return found


def categories_in_tree_order(
    queryset: QuerySet[QuestionCategory] | None = None,
) -> QuerySet[QuestionCategory]:
    """Categories sorted by path (a tree read top-down), still a queryset."""
    if queryset is None:
        queryset = QuestionCategory.objects.all()
    paths = category_path_map()
    ordered = sorted(paths, key=lambda pk: paths[pk].casefold())
    if not ordered:
        return queryset
    position = Case(
        *[When(pk=pk, then=Value(n)) for n, pk in enumerate(ordered)],
        output_field=IntegerField(),
    )
    return queryset.annotate(_tree_position=position).order_by("_tree_position")


def category_subtree(category: QuestionCategory) -> list[QuestionCategory]:
    """``category`` and its descendants, parents before children, by path."""
    ids = set(category.descendant_ids())
    paths = category_path_map()
    found = list(QuestionCategory.objects.filter(pk__in=ids))
    return sorted(found, key=lambda c: (c.pk != category.pk, paths[c.pk].casefold()))


def question_data(question: Question) -> QuestionData:
    """A saved question (a real subclass instance) as :class:`QuestionData`."""
    type_code = question.type_code
    names = _COMMON_FIELDS + _TYPE_FIELDS.get(type_code, ())
    fields = {name: getattr(question, name) for name in names}
    children: list[dict] = []
    relation = CHILD_RELATIONS.get(type_code)
    if relation:
        rows = getattr(question, relation).all()
        children = [
            {name: getattr(row, name) for name in _CHILD_FIELDS[type_code]}
            for row in sorted(
                rows, key=lambda r: (r.sort_order is None, r.sort_order, r.pk)
            )
        ]
    tags = [
        item.tag.name
        for item in sorted(question.tagged_items.all(), key=lambda t: t.pk)
    ]
    return QuestionData(
        type_code=type_code, fields=fields, children=children, tags=tags
    )


def questions_for_export(category: QuestionCategory) -> list[Question]:
    """The questions of one category in creation order, children prefetched.

    Each type's child relation has its own name, so children are prefetched
    per type: a few queries per category, never one per question.
    """
    questions = list(Question.objects.filter(category=category).order_by("pk"))
    by_model: dict[tuple[type, str], list[Question]] = defaultdict(list)
    for question in questions:
        relation = CHILD_RELATIONS.get(question.type_code)
        if relation:
            by_model[type(question), relation].append(question)
    for (_model, relation), group in by_model.items():
        prefetch_related_objects(group, relation)
    by_class: dict[type, list[Question]] = defaultdict(list)
    for question in questions:
        by_class[type(question)].append(question)
    for group in by_class.values():
        prefetch_related_objects(group, "tagged_items__tag")
    return questions
