"""Import a programme folder into the page tree, in place and all or nothing.

Pages are keyed by slug under their parent (catalogue -> programme -> module
-> lesson/quiz). A page is published only when what the files control has
changed, so a second import of the same files changes nothing. Pages whose
files disappeared are never deleted (learners' progress and attempts hang off
them): the report lists them as orphaned.

A dry run does the whole import inside a transaction and rolls it back, so
it reports exactly what a real import would do and writes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from wagtail.models import Page

from courses import services
from courses.models import (
    LessonPage,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
    QuizFeedbackBand,
    QuizPage,
    QuizSlot,
)
from courses.question_bank.conversion import join_category_path
from courses.question_bank.importing import parse_file, questions_import

from .parse import (
    ContentError,
    ContentProblem,
    LessonSpec,
    ModuleSpec,
    ProgrammeSpec,
    QuizSpec,
    programme_read,
)

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, ORPHANED = "created", "updated", "unchanged", "orphaned"


@dataclass
class PageChange:
    kind: str  # programme | module | lesson | quiz
    path: str  # slug path under the catalogue
    title: str
    action: str


@dataclass
class QuestionChange:
    quiz: str
    name: str
    action: str


@dataclass
class ImportReport:
    dry_run: bool
    pages: list[PageChange] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    programme_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(p.action in (CREATED, UPDATED) for p in self.pages) or any(
            q.action in (CREATED, UPDATED) for q in self.questions
        )

    def count(self, action: str) -> int:
        return sum(1 for p in self.pages if p.action == action)

    def question_count(self, action: str) -> int:
        return sum(1 for q in self.questions if q.action == action)

    def lines(self) -> list[str]:
        out = []
        for problem in self.problems:
            out.append(f"ERROR {problem}")
        for page in self.pages:
            out.append(f"{page.action:<9} {page.kind:<9} {page.path}")
        for question in self.questions:
            out.append(
                f"{question.action:<9} question  {question.quiz} :: {question.name}"
            )
        verb = "would be" if self.dry_run else "were"
        out.append(
            f"Pages {verb}: {self.count(CREATED)} created, {self.count(UPDATED)} "
            f"updated, {self.count(UNCHANGED)} unchanged, {self.count(ORPHANED)} "
            f"orphaned. Questions: {self.question_count(CREATED)} created, "
            f"{self.question_count(UPDATED)} updated, "
            f"{self.question_count(UNCHANGED)} unchanged."
        )
        return out


class _Rollback(Exception):
    pass


# --- comparing ----------------------------------------------------------------


def _strip_ids(value: Any) -> Any:
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    return value


def _stream_prep(page: Page, name: str, raw: list[dict] | None = None) -> Any:
    """The stored form of a StreamField (block ids removed, for comparing)."""
    stream_field = page._meta.get_field(name)
    if raw is None:
        value = getattr(page, name)
    else:
        value = stream_field.to_python(json.dumps(raw, ensure_ascii=False))
    return _strip_ids(stream_field.get_prep_value(value))


def _outcomes(items: list[str]) -> list[dict]:
    return [{"type": "outcome", "value": o} for o in items]


def _apply(page: Page, fields: dict[str, Any], streams: dict[str, list[dict]]) -> bool:
    """Set ``fields`` and ``streams`` on ``page``; whether anything changed."""
    changed = False
    for name, value in fields.items():
        current = getattr(page, name)
        if isinstance(current, Decimal) or isinstance(value, Decimal):
            same = (
                current is not None
                and value is not None
                and Decimal(current) == Decimal(value)
            )
            same = same or (current is None and value is None)
        else:
            same = current == value
        if not same:
            setattr(page, name, value)
            changed = True
    for name, raw in streams.items():
        if page.pk is None or _stream_prep(page, name) != _stream_prep(page, name, raw):
            setattr(page, name, json.dumps(raw, ensure_ascii=False))
            changed = True
    return changed


class _Importer:
    def __init__(self, *, spec: ProgrammeSpec, index_page, actor, report):
        self.spec = spec
        self.index_page = index_page
        self.actor = actor
        self.report = report

    def _page(
        self,
        *,
        parent: Page,
        model: type[Page],
        slug: str,
        kind: str,
        path: str,
        fields: dict[str, Any],
        streams: dict[str, list[dict]] | None = None,
        extra=None,
    ) -> Page:
        streams = streams or {}
        existing = Page.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None and not isinstance(existing.specific, model):
            raise ContentError(
                [
                    ContentProblem(
                        path,
                        None,
                        f"A page with slug '{slug}' exists here but is a "
                        f"{type(existing.specific).__name__}, not a {model.__name__}.",
                    )
                ]
            )
        if existing is None:
            page = model(slug=slug)
            _apply(page, fields, streams)
            if extra:
                extra(page)
            parent.add_child(instance=page)
            page.save_revision(user=self.actor).publish(user=self.actor)
            action = CREATED
        else:
            page = existing.specific
            changed = _apply(page, fields, streams)
            if extra:
                changed = extra(page) or changed
            if changed or not page.live:
                page.save_revision(user=self.actor).publish(user=self.actor)
                action = UPDATED
            else:
                action = UNCHANGED
        self.report.pages.append(PageChange(kind, path, fields["title"], action))
        return page

    def _orphans(self, parent: Page, keep: set[str], kind: str, base: str) -> None:
        for child in Page.objects.child_of(parent).exclude(slug__in=keep):
            self.report.pages.append(
                PageChange(kind, f"{base}/{child.slug}", child.title, ORPHANED)
            )

    def run(self) -> ProgrammePage:
        spec = self.spec
        programme = self._page(
            parent=self.index_page,
            model=ProgrammePage,
            slug=spec.slug,
            kind="programme",
            path=spec.slug,
            fields={
                "title": spec.title,
                "title_en": spec.title_en,
                "kind": spec.kind,
                "hours": spec.hours,
                "ects": spec.ects,
                "audience": spec.audience,
                "summary": spec.summary,
                "description": spec.description,
                "enrolment_policy": spec.enrolment_policy,
            },
            streams={"outcomes": _outcomes(spec.outcomes)},
        )
        services.programme_trainer_group_ensure(programme=programme)
        for module_spec in spec.modules:
            self._module(programme, module_spec)
        self._orphans(programme, {m.slug for m in spec.modules}, "page", spec.slug)
        return programme

    def _module(self, programme: ProgrammePage, spec: ModuleSpec) -> None:
        path = f"{self.spec.slug}/{spec.slug}"
        module = self._page(
            parent=programme,
            model=ModulePage,
            slug=spec.slug,
            kind="module",
            path=path,
            fields={
                "title": spec.title,
                "title_en": spec.title_en,
                "hours": spec.hours,
                "summary": spec.summary,
            },
            streams={"outcomes": _outcomes(spec.outcomes)},
        )
        for lesson in spec.lessons:
            self._lesson(module, lesson, path)
        keep = {lesson.slug for lesson in spec.lessons}
        if spec.quiz is not None:
            self._quiz(module, spec, spec.quiz, path)
            keep.add(spec.quiz.slug)
        self._orphans(module, keep, "page", path)

    def _lesson(self, module: ModulePage, spec: LessonSpec, base: str) -> None:
        self._page(
            parent=module,
            model=LessonPage,
            slug=spec.slug,
            kind="lesson",
            path=f"{base}/{spec.slug}",
            fields={
                "title": spec.title,
                "title_en": spec.title_en,
                "estimated_minutes": spec.minutes,
                "as_of": spec.as_of,
            },
            streams={
                "body": spec.body,
                "sources": [
                    {"type": "source", "value": {"title": s.title, "url": s.url}}
                    for s in spec.sources
                ],
            },
        )

    def _questions(self, module: ModuleSpec, quiz: QuizSpec, path: str) -> list[int]:
        parsed = parse_file(text=quiz.gift_text, file_format="gift")
        result = questions_import(
            parsed=parsed.for_import(),
            category_path=join_category_path([self.spec.slug, module.slug]),
            actor=None,
            dry_run=False,
        )
        if result.problems:
            raise ContentError(
                [
                    ContentProblem(
                        quiz.gift_path,
                        p.line,
                        f"{p.name}: {p.message}" if p.name else p.message,
                    )
                    for p in result.problems
                ]
            )
        action_names = {"create": CREATED, "update": UPDATED, "unchanged": UNCHANGED}
        for item in result.items:
            self.report.questions.append(
                QuestionChange(path, item.name, action_names.get(item.action, "?"))
            )
        return [item.question_id for item in result.items]

    def _quiz(
        self, module: ModulePage, module_spec: ModuleSpec, spec: QuizSpec, base: str
    ) -> None:
        path = f"{base}/{spec.slug}"
        question_ids = self._questions(module_spec, spec, path)
        bands = [(b.min_percent, b.text) for b in spec.feedback_bands]

        def children(page: QuizPage) -> bool:
            changed = False
            slots = list(page.slots.all())
            current = [(s.question_id, s.random_category_id) for s in slots]
            if current != [(pk, None) for pk in question_ids]:
                page.slots = [
                    QuizSlot(question_id=pk, sort_order=n)
                    for n, pk in enumerate(question_ids)
                ]
                changed = True
            current_bands = [
                (Decimal(b.min_percent), b.text) for b in page.feedback_bands.all()
            ]
            if current_bands != bands:
                page.feedback_bands = [
                    QuizFeedbackBand(min_percent=p, text=t, sort_order=n)
                    for n, (p, t) in enumerate(bands)
                ]
                changed = True
            return changed

        self._page(
            parent=module,
            model=QuizPage,
            slug=spec.slug,
            kind="quiz",
            path=path,
            fields={
                "title": spec.title,
                "title_en": spec.title_en,
                "intro": spec.intro,
                "pass_mark": spec.pass_mark,
                "attempts_allowed": spec.attempts_allowed,
                "grading_method": spec.grading_method,
                "time_limit_minutes": spec.time_limit_minutes,
                "questions_per_page": spec.questions_per_page,
                "shuffle_questions": spec.shuffle_questions,
                "navigation": spec.navigation,
            },
            extra=children,
        )


def programme_import(
    *,
    path: str | Path,
    index_page: ProgrammeIndexPage,
    actor=None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update the programme in folder ``path`` under ``index_page``.

    Returns the report; on a problem (located by file and line) nothing is
    written and ``report.problems`` says why. Never raises for bad files.
    """
    report = ImportReport(dry_run=dry_run)
    spec, problems = programme_read(path)
    if problems or spec is None:
        report.problems = problems
        return report
    try:
        with transaction.atomic():
            programme = _Importer(
                spec=spec, index_page=index_page, actor=actor, report=report
            ).run()
            report.programme_id = programme.pk
            if dry_run:
                raise _Rollback
    except _Rollback:
        report.programme_id = None
    except ContentError as exc:
        report.problems = exc.problems
        report.pages.clear()
        report.questions.clear()
        report.programme_id = None
    else:
        logger.info(
            "programme import %s: %s pages created, %s updated",
            spec.slug,
            report.count(CREATED),
            report.count(UPDATED),
        )
    return report
