"""Import question files into the bank, and export categories as GIFT.

The parsers (:mod:`courses.importers`) turn text into schema dicts and never
touch the database. This module is the step after: it decides where every
question goes, checks all of them exactly as the admin form would (model
field limits, then ``courses.quiz.grading.validate``) and only then writes,
all or nothing, in one transaction. A dry run stops after the checks, so the
admin preview, ``import_questions --dry-run`` and the real import report the
same problems with the same line numbers.

Re-importing is safe: a question with an ``[id:...]`` that already exists in
its target category is updated in place (its version goes up) when it
changed, and left alone when it did not.
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from ..importers import (
    GiftExportError,
    ParseResult,
    export_gift,
    parse_aiken,
    parse_gift,
)
from ..importers import aiken as aiken_parser
from ..importers import gift as gift_parser
from ..models import Question, QuestionCategory
from .conversion import (
    CHILD_IMPORT_FIELDS,
    QuestionData,
    data_to_schema,
    join_category_path,
    schema_to_data,
    split_category_path,
    text_excerpt,
)
from .permissions import IMPORTABLE_MODELS, user_can
from .selectors import (
    category_paths_by_names,
    category_subtree,
    question_data,
    questions_for_export,
)
from .snapshots import CHILD_RELATIONS, problem_text, snapshot_problems

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

__all__ = [
    "FILE_FORMATS",
    "ExportResult",
    "ImportItem",
    "ImportProblem",
    "ImportReport",
    "ParsedFile",
    "category_export",
    "category_export_gift",
    "decode_question_file",
    "parse_file",
    "questions_import",
]

logger = logging.getLogger(__name__)

FileFormat = Literal["gift", "aiken"]
FILE_FORMATS: tuple[str, ...] = ("gift", "aiken")
LOG_ACTION_IMPORT = "courses.question.import"
CATEGORY_NAME_MAX = QuestionCategory._meta.get_field("name").max_length
TAG_NAME_MAX = 100  # taggit's Tag.name


# --- reading files --------------------------------------------------------------


def decode_question_file(raw: bytes) -> str:
    """``raw`` as text, or ``ValueError`` saying where it is not UTF-8.

    Why strict: a file saved as Windows-1251 decodes to mojibake rather than
    failing in a lenient codec, and Cyrillic questions would be imported
    garbled. A UTF-8 byte order mark is accepted.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02x on line %(line)s). "
                "Save it as UTF-8 and try again."
            )
            % {"byte": raw[exc.start], "line": line}
        ) from exc


@dataclass
class ParsedFile:
    """A parsed file: the parser's own result plus each item's first line.

    ``result`` is left exactly as the parser returned it (the dry-run JSON
    prints it); :meth:`for_import` gives the dicts ``questions_import`` takes.
    """

    file_format: FileFormat
    result: ParseResult
    lines: list[int | None]

    def for_import(self) -> list[dict[str, Any]]:
        """Schema dicts annotated with ``line``, ready for ``questions_import``.

        Aiken text comes out of the parser HTML-escaped but labelled
        ``plain`` (Moodle's behaviour); it is decoded here so that
        ``questions_import`` reads every ``plain`` text the same way and
        escapes it exactly once.
        """
        items = []
        for question, line in zip(self.result.questions, self.lines, strict=True):
            item = dict(question, line=line)
            if self.file_format == "aiken":
                item["text"] = html.unescape(item.get("text") or "")
                item["answers"] = [
                    dict(a, text=html.unescape(a.get("text") or ""))
                    for a in item.get("answers") or []
                ]
            items.append(item)
        return items


def _normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _gift_lines(text: str, result: ParseResult) -> list[int | None]:
    """First line of each parsed GIFT item, from the parser's own block split."""
    blocks = gift_parser._blocks(_normalise_newlines(text))
    failed = {e.question_index for e in result.errors}
    good = [b.line for i, b in enumerate(blocks, start=1) if i not in failed]
    return (
        good if len(good) == len(result.questions) else [None] * len(result.questions)
    )


def _aiken_lines(text: str, result: ParseResult) -> list[int | None]:
    """Stem line of each parsed Aiken question (the parser's stem rules)."""
    stems = []
    for number, raw in enumerate(_normalise_newlines(text).split("\n"), start=1):
        line = raw.strip()
        if len(line) < 2 or aiken_parser._CHOICE.match(line):
            continue
        if line.startswith(aiken_parser._ANSWER) or aiken_parser._ANSWER_ANY_CASE.match(
            line
        ):
            continue
        stems.append(number)
    failed = {e.question_index for e in result.errors}
    good = [line for i, line in enumerate(stems, start=1) if i not in failed]
    return (
        good if len(good) == len(result.questions) else [None] * len(result.questions)
    )


def parse_file(*, text: str, file_format: FileFormat) -> ParsedFile:
    """Parse GIFT or Aiken ``text``; each item's first line is kept aside.

    Raises ``ValueError`` for an unknown format.
    """
    if file_format == "gift":
        result = parse_gift(text)
        return ParsedFile(file_format, result, _gift_lines(text, result))
    if file_format == "aiken":
        result = parse_aiken(text)
        return ParsedFile(file_format, result, _aiken_lines(text, result))
    raise ValueError(f"unknown question file format {file_format!r}")


# --- the report -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """Why the file cannot be imported, located for the person fixing it."""

    line: int | None
    name: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line else ""
        if self.name:
            where = f"{where} ({self.name})" if where else self.name
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportItem:
    """One question of the file and what the import does (or did) with it.

    ``action`` is ``create``, ``update``, ``unchanged``, or ``None`` when the
    question has a problem.
    """

    line: int | None
    name: str
    type_code: str
    category_path: str
    excerpt: str
    answers: int
    action: str | None = None
    question_id: int | None = None

    @property
    def type_label(self) -> str:
        """The type as the admin names it ("multiple choice question")."""
        model = IMPORTABLE_MODELS.get(self.type_code)
        return str(model._meta.verbose_name) if model else self.type_code


@dataclass
class ImportReport:
    """The outcome of ``questions_import``; nothing was written unless ``written``."""

    dry_run: bool
    items: list[ImportItem] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def _count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the command's ``--json`` output)."""
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "categories_created": list(self.categories_created),
            "questions": [
                {
                    "line": i.line,
                    "name": i.name,
                    "type": i.type_code,
                    "category": i.category_path,
                    "action": i.action,
                    "id": i.question_id,
                }
                for i in self.items
            ],
            "errors": [
                {"line": p.line, "name": p.name, "message": p.message}
                for p in self.problems
            ],
        }


# --- planning -----------------------------------------------------------------------


@dataclass
class _Planned:
    item: ImportItem
    data: QuestionData
    category: tuple[str, ...] | None
    existing: Question | None = None
    failed: bool = False


@dataclass
class _Plan:
    report: ImportReport
    planned: list[_Planned]
    new_categories: list[tuple[str, ...]]
    category_ids: dict[tuple[str, ...], int]


def _display_path(names: Sequence[str] | None) -> str:
    return " / ".join(names) if names else ""


def _field_label(model: type, name: str) -> str:
    if name == NON_FIELD_ERRORS:
        return ""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _validation_messages(
    model: type, error: ValidationError, where: str = ""
) -> list[str]:
    messages = []
    for name, errors in error.message_dict.items():
        label = _field_label(model, name)
        for message in errors:
            text = f"{label}: {message}" if label else message
            messages.append(f"{where}: {text}" if where else text)
    return messages


def _data_problems(data: QuestionData) -> list[str]:
    """Everything that stops ``data`` being saved: model limits, then grading rules.

    The same checks as the admin form, run on unsaved instances so that no
    category or parent row is needed yet.
    """
    model = IMPORTABLE_MODELS[data.type_code]
    problems: list[str] = []
    try:
        model(**data.fields).full_clean(
            exclude=["category"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        problems.extend(_validation_messages(model, exc))
    relation = CHILD_RELATIONS.get(data.type_code)
    if relation:
        child_model = model._meta.get_field(relation).related_model
        for n, row in enumerate(data.children, start=1):
            try:
                child_model(**row).full_clean(
                    exclude=["question", "sort_order"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                where = _("Answer %(n)s") % {"n": n}
                problems.extend(_validation_messages(child_model, exc, where))
    for tag in data.tags:
        if len(tag) > TAG_NAME_MAX:
            problems.append(
                _("The tag %(tag)s is longer than %(max)s characters.")
                % {"tag": repr(tag[:40] + "…"), "max": TAG_NAME_MAX}
            )
    if not problems:
        problems.extend(
            problem_text(p, _)
            for p in snapshot_problems(
                type_code=data.type_code, fields=data.fields, children=data.children
            )
        )
    return problems


def _changed(existing: Question, data: QuestionData) -> bool:
    """Whether writing ``data`` would change what the file controls."""
    old = question_data(existing)
    if any(old.fields.get(key) != value for key, value in data.fields.items()):
        return True
    keys = CHILD_IMPORT_FIELDS.get(data.type_code, ())
    old_children = [{key: row.get(key) for key in keys} for row in old.children]
    # Tag order carries no meaning; a reordered [tag:] line is not a change.
    return old_children != data.children or sorted(old.tags) != sorted(data.tags)


def _existing_questions(
    keys: Iterable[tuple[int, str]], *, lock: bool
) -> dict[tuple[int, str], Question]:
    keys = set(keys)
    if not keys:
        return {}
    queryset = Question.objects.filter(
        category_id__in={c for c, _i in keys}, idnumber__in={i for _c, i in keys}
    )
    if lock:
        queryset = queryset.select_for_update()
    found = {
        (q.category_id, q.idnumber): q
        for q in queryset
        if (q.category_id, q.idnumber) in keys
    }
    by_model: dict[tuple[type, str], list[Question]] = defaultdict(list)
    for question in found.values():
        relation = CHILD_RELATIONS.get(question.type_code)
        if relation:
            by_model[type(question), relation].append(question)
    for (_model, relation), group in by_model.items():
        prefetch_related_objects(group, relation, "tagged_items__tag")
    return found


def _plan(
    *,
    parsed: Sequence[Mapping[str, Any]],
    category: QuestionCategory | None,
    category_path: str | None,
    actor: AbstractBaseUser | None,
    dry_run: bool,
    lock: bool,
) -> _Plan:
    report = ImportReport(dry_run=dry_run)
    category_ids = category_paths_by_names()
    names_by_id = {pk: names for names, pk in category_ids.items()}
    new_categories: list[tuple[str, ...]] = []

    def problem(line: int | None, name: str, message: str) -> None:
        report.problems.append(ImportProblem(line, name, message))

    def plan_category(names: tuple[str, ...], line: int | None) -> bool:
        for depth in range(1, len(names) + 1):
            prefix = names[:depth]
            if prefix in category_ids or prefix in new_categories:
                continue
            if len(prefix[-1]) > CATEGORY_NAME_MAX:
                problem(
                    line,
                    _display_path(prefix),
                    _("A category name may have at most %(max)s characters.")
                    % {"max": CATEGORY_NAME_MAX},
                )
                return False
            new_categories.append(prefix)
        return True

    base: tuple[str, ...] | None = None
    if category is not None:
        base = names_by_id.get(category.pk)
        if base is None:
            problem(None, "", _("The target category no longer exists."))
    elif category_path is not None and category_path.strip():
        base = tuple(split_category_path(category_path))
        if not base:
            problem(None, category_path, _("This category path names no category."))
            base = None
        else:
            plan_category(base, None)

    current = base
    planned: list[_Planned] = []
    for question in parsed:
        line = question.get("line")
        if question.get("type") == "category":
            names = split_category_path(question.get("category"))
            if not names:
                problem(line, "$CATEGORY", _("This category path names no category."))
                continue
            current = (base or ()) + tuple(names)
            plan_category(current, line)
            continue
        try:
            data = schema_to_data(question)
        except ValueError as exc:
            problem(line, question.get("name") or "", str(exc))
            continue
        item = ImportItem(
            line=line,
            name=data.fields["name"],
            type_code=data.type_code,
            category_path=_display_path(current),
            excerpt=text_excerpt(data.fields["text"], 100),
            answers=len(data.children),
        )
        entry = _Planned(item=item, data=data, category=current)
        report.items.append(item)
        planned.append(entry)
        found = _data_problems(data)
        if current is None:
            found.insert(
                0,
                _(
                    "No category: choose a target category, or start the file "
                    "with a $CATEGORY: line."
                ),
            )
        for message in found:
            problem(line, item.name, message)
        entry.failed = bool(found)

    # In-file duplicates and matches with stored questions, by ID number.
    seen: dict[tuple[tuple[str, ...], str], int | None] = {}
    lookups: dict[tuple[int, str], _Planned] = {}
    for entry in planned:
        idnumber = entry.data.fields["idnumber"]
        if not idnumber or entry.category is None:
            continue
        key = (entry.category, idnumber)
        if key in seen:
            entry.failed = True
            problem(
                entry.item.line,
                entry.item.name,
                _(
                    "The ID number %(id)s is used twice in category %(path)s "
                    "(first on line %(first)s)."
                )
                % {
                    "id": idnumber,
                    "path": _display_path(entry.category),
                    "first": seen[key] or "?",
                },
            )
            continue
        seen[key] = entry.item.line
        if entry.category in category_ids:
            lookups[category_ids[entry.category], idnumber] = entry
    existing = _existing_questions(lookups, lock=lock)
    for key, entry in lookups.items():
        if key in existing:
            entry.existing = existing[key]

    for entry in planned:
        item = entry.item
        model = IMPORTABLE_MODELS[entry.data.type_code]
        if entry.existing is not None and type(entry.existing) is not model:
            entry.failed = True
            problem(
                item.line,
                item.name,
                _(
                    "A question with the ID number %(id)s in this category is a "
                    "%(stored)s, not a %(new)s; change the ID number or the type."
                )
                % {
                    "id": entry.data.fields["idnumber"],
                    "stored": entry.existing._meta.verbose_name,
                    "new": model._meta.verbose_name,
                },
            )
            continue
        if entry.failed:
            continue
        if entry.existing is None:
            item.action = "create"
        else:
            item.question_id = entry.existing.pk
            item.action = (
                "update" if _changed(entry.existing, entry.data) else "unchanged"
            )

    if actor is not None:
        _check_permissions(
            actor=actor,
            plan_items=planned,
            new_categories=new_categories,
            report=report,
        )
    # File order, so the person fixing the file can work top to bottom.
    report.problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return _Plan(
        report=report,
        planned=planned,
        new_categories=new_categories,
        category_ids=category_ids,
    )


def _check_permissions(
    *,
    actor: AbstractBaseUser,
    plan_items: Sequence[_Planned],
    new_categories: Sequence[tuple[str, ...]],
    report: ImportReport,
) -> None:
    """Refuse what ``actor`` could not have done by hand in the admin."""
    if new_categories and not user_can(actor, "add", QuestionCategory):
        for names in new_categories:
            report.problems.append(
                ImportProblem(
                    None,
                    _display_path(names),
                    _("You may not create question categories."),
                )
            )
    for entry in plan_items:
        action = {"create": "add", "update": "change"}.get(entry.item.action or "")
        model = IMPORTABLE_MODELS[entry.data.type_code]
        if action and not user_can(actor, action, model):
            message = (
                _("You may not add %(type)s questions.")
                if action == "add"
                else _("You may not change %(type)s questions.")
            ) % {"type": model._meta.verbose_name}
            report.problems.append(
                ImportProblem(entry.item.line, entry.item.name, message)
            )
            entry.item.action = None


# --- writing --------------------------------------------------------------------------


def _write(plan: _Plan, *, actor: AbstractBaseUser | None) -> None:
    report = plan.report
    category_ids = plan.category_ids
    for names in plan.new_categories:
        new = QuestionCategory(
            name=names[-1],
            parent_id=category_ids.get(names[:-1]) if len(names) > 1 else None,
        )
        new.full_clean()
        new.save()
        log(instance=new, action="wagtail.create", user=actor)
        category_ids[names] = new.pk
        report.categories_created.append(_display_path(names))

    for entry in plan.planned:
        item, data = entry.item, entry.data
        if item.action not in ("create", "update"):
            continue
        model = IMPORTABLE_MODELS[data.type_code]
        if entry.existing is None:
            question = model(category_id=category_ids[entry.category], version=1)
        else:
            question = entry.existing
            question.version += 1
        for key, value in data.fields.items():
            setattr(question, key, value)
        relation = CHILD_RELATIONS.get(data.type_code)
        if relation:
            child_model = model._meta.get_field(relation).related_model
            # Reuse the rows in place so that their ids (which attempts'
            # snapshots refer to for regrading) survive a re-import.
            old_rows = (
                sorted(
                    getattr(question, relation).all(),
                    key=lambda r: (r.sort_order is None, r.sort_order, r.pk),
                )
                if entry.existing is not None
                else []
            )
            rows = []
            for position, values in enumerate(data.children):
                row = old_rows[position] if position < len(old_rows) else child_model()
                for key, value in values.items():
                    setattr(row, key, value)
                row.sort_order = position
                rows.append(row)
            setattr(question, relation, rows)
        question.tags.set(data.tags)
        question.full_clean()
        question.save()
        log(
            instance=question,
            action=LOG_ACTION_IMPORT,
            user=actor,
            data={"created": entry.existing is None, "version": question.version},
        )
        item.question_id = question.pk
    report.written = True


def questions_import(
    *,
    parsed: Sequence[Mapping[str, Any]],
    category: QuestionCategory | None = None,
    category_path: str | None = None,
    actor: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update bank questions from parsed schema dicts, all or nothing.

    ``parsed`` holds the parser's dicts in file order (``$CATEGORY`` items
    included), each optionally with the ``line`` it started on (see
    :meth:`ParsedFile.for_import`). Questions go to ``category`` (or the
    category at ``category_path``, created when missing); a ``$CATEGORY:``
    item switches to that path *under* it (from the top when there is no
    base). A question whose ``[id:]`` already exists in its category updates
    that question in place (version + 1) when the file changes it.

    Every question is checked first; if any has a problem, or ``dry_run``,
    nothing is written and the report says why and where. ``actor`` (None
    for the command line) must be allowed to add or change each question
    type involved and to add categories when new ones are needed. Each write
    is audit-logged. Raises nothing for bad input: problems are in the report.
    """
    if dry_run:
        plan = _plan(
            parsed=parsed,
            category=category,
            category_path=category_path,
            actor=actor,
            dry_run=True,
            lock=False,
        )
        return plan.report
    with transaction.atomic():
        plan = _plan(
            parsed=parsed,
            category=category,
            category_path=category_path,
            actor=actor,
            dry_run=False,
            lock=True,
        )
        if plan.report.problems:
            return plan.report
        try:
            _write(plan, actor=actor)
        except ValidationError as exc:
            # Checked above; reaching this means the database changed under
            # us (say, a parallel import took an ID number). Undo and report.
            transaction.set_rollback(True)
            plan.report.written = False
            plan.report.problems.extend(
                ImportProblem(None, "", message) for message in exc.messages
            )
            for item in plan.report.items:
                item.question_id = None if item.action == "create" else item.question_id
            plan.report.categories_created.clear()
            return plan.report
    logger.info(
        "question import: %s created, %s updated, %s unchanged",
        plan.report.created,
        plan.report.updated,
        plan.report.unchanged,
    )
    return plan.report


# --- export ------------------------------------------------------------------------------


@dataclass
class ExportResult:
    """GIFT text and the questions it could not carry (with the reason)."""

    text: str
    exported: int
    skipped: list[str] = field(default_factory=list)


def category_export(
    *, category: QuestionCategory, include_subcategories: bool = False
) -> ExportResult:
    """The questions of ``category`` (and below, when asked) as GIFT.

    Subcategories are written as ``$CATEGORY:`` paths *relative to*
    ``category``, and its own questions come first without one, so importing
    the file into the same category (``--category`` / the admin target)
    puts every question back where it was; with ID numbers, in place.
    Questions GIFT cannot express (ordering, a short answer containing
    ``->`` among several...) are skipped and listed in ``skipped``.
    """
    categories = category_subtree(category) if include_subcategories else [category]
    paths = {pk: names for names, pk in category_paths_by_names().items()}
    root = paths[category.pk]
    blocks: list[str] = []
    exported = 0
    skipped: list[str] = []
    for node in categories:
        if node.pk != category.pk:
            relative = list(paths[node.pk][len(root) :])
            blocks.append(
                export_gift(
                    [{"type": "category", "category": join_category_path(relative)}]
                )
            )
        for question in questions_for_export(node):
            try:
                block = export_gift([data_to_schema(question_data(question))])
            except (ValueError, GiftExportError) as exc:
                skipped.append(f"{question.name} (#{question.pk}): {exc}")
                continue
            blocks.append(block)
            exported += 1
    text = "\n".join(blocks)  # each block already ends with "\n"
    return ExportResult(text=text, exported=exported, skipped=skipped)


def category_export_gift(
    *, category: QuestionCategory, include_subcategories: bool = False
) -> str:
    """GIFT text of ``category`` (see :func:`category_export`)."""
    return category_export(
        category=category, include_subcategories=include_subcategories
    ).text
