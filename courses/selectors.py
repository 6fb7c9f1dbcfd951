"""Reads for the course pages, the dashboard and the admin.

Everything here runs a fixed number of queries however many lessons, modules or
enrolments there are: the outline of a programme is one query over the page
tree (by materialised path), and a learner's completions another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from wagtail.models import Page, get_page_models

from . import extensions
from .choices import LEARNING_STATUSES, EnrolmentStatus
from .models import Enrolment, ItemCompletion, ModulePage, ProgrammePage


def required_item_models() -> list[type[Page]]:
    """Page types learners must finish (``lms_required_item = True``)."""
    return [m for m in get_page_models() if getattr(m, "lms_required_item", False)]


def _required_content_type_ids() -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    models = required_item_models()
    return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]


def required_item_ids(*, programme: Page) -> list[int]:
    """Ids of the live required items of ``programme``, in course order."""
    return list(
        Page.objects.live()
        .descendant_of(programme)
        .filter(content_type_id__in=_required_content_type_ids())
        .order_by("path")
        .values_list("pk", flat=True)
    )


@dataclass
class OutlineItem:
    pk: int
    title: str
    url: str
    kind: str
    minutes: int | None = None
    done: bool = False


@dataclass
class OutlineModule:
    pk: int
    title: str
    hours: int | None
    items: list[OutlineItem] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for i in self.items if i.done)

    @property
    def percent(self) -> int:
        return int(100 * self.done_count / len(self.items)) if self.items else 0

    @property
    def is_done(self) -> bool:
        return bool(self.items) and self.done_count == len(self.items)


@dataclass
class Outline:
    modules: list[OutlineModule]

    @property
    def items(self) -> list[OutlineItem]:
        return [i for m in self.modules for i in m.items]

    def neighbours(self, pk: int) -> tuple[OutlineItem | None, OutlineItem | None]:
        items = self.items
        for n, item in enumerate(items):
            if item.pk == pk:
                prev = items[n - 1] if n else None
                nxt = items[n + 1] if n + 1 < len(items) else None
                return prev, nxt
        return None, None

    def module_of(self, pk: int) -> OutlineModule | None:
        return next((m for m in self.modules if any(i.pk == pk for i in m.items)), None)

    def first_unfinished(self) -> OutlineItem | None:
        return next((i for i in self.items if not i.done), None)


def _title(row: dict) -> str:
    if (get_language() or "").startswith("en") and row.get("title_en"):
        return row["title_en"]
    return row["title"]


def _outline_rows(programmes: list[ProgrammePage]) -> QuerySet:
    """Live modules and items of all ``programmes``, in tree order, as one query."""
    below = Q()
    for programme in programmes:
        below |= Q(
            path__startswith=programme.path,
            depth__gt=programme.depth,
            depth__lte=programme.depth + 2,
        )
    return (
        Page.objects.live()
        .filter(below)
        .order_by("path")
        .values("pk", "title", "depth", "path", "url_path", "content_type_id")
        .annotate(
            title_en=Coalesce(
                F("modulepage__title_en"),
                F("lessonpage__title_en"),
                F("quizpage__title_en"),
            ),
            minutes=F("lessonpage__estimated_minutes"),
            hours=F("modulepage__hours"),
        )
    )


def programme_outline(
    *,
    programme: ProgrammePage,
    programme_url: str,
    done_ids: set[int] | frozenset = frozenset(),
    rows: Iterable[dict] | None = None,
) -> Outline:
    """Modules and their required items, in order, in one query.

    URLs are derived from the programme's URL and each page's ``url_path``, so no
    per-page routing lookups are needed. ``rows`` lets a caller that outlines
    many programmes fetch them all at once (see ``learner_dashboard``).
    """
    required_cts = set(_required_content_type_ids())
    if rows is None:
        rows = _outline_rows([programme])
    base = programme_url.rstrip("/")
    prefix_len = len(programme.url_path.rstrip("/"))
    modules: list[OutlineModule] = []
    for row in rows:
        if row["depth"] == programme.depth + 1:
            modules.append(
                OutlineModule(pk=row["pk"], title=_title(row), hours=row["hours"])
            )
        elif modules and row["content_type_id"] in required_cts:
            modules[-1].items.append(
                OutlineItem(
                    pk=row["pk"],
                    title=_title(row),
                    url=base + row["url_path"][prefix_len:],
                    kind="lesson" if row["minutes"] is not None else "quiz",
                    minutes=row["minutes"],
                    done=row["pk"] in done_ids,
                )
            )
    return Outline(modules=modules)


def next_item_url(*, programme: Page, programme_url: str, item: Page) -> str | None:
    """URL of the live required item after ``item`` in course order, or None."""
    row = (
        Page.objects.live()
        .descendant_of(programme)
        .filter(content_type_id__in=_required_content_type_ids(), path__gt=item.path)
        .order_by("path")
        .values("url_path")
        .first()
    )
    if row is None:
        return None
    prefix_len = len(programme.url_path.rstrip("/"))
    return programme_url.rstrip("/") + row["url_path"][prefix_len:]


def completed_item_ids(*, user, programme: Page) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        ItemCompletion.objects.filter(user=user, programme_id=programme.pk).values_list(
            "item_id", flat=True
        )
    )


def programme_catalogue(*, index_page: Page, kind: str | None = None) -> QuerySet:
    """Live, public programmes of a catalogue, in the editors' order."""
    qs = ProgrammePage.objects.live().public().child_of(index_page).order_by("path")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def enrolments_by_programme(*, user) -> dict[int, Enrolment]:
    if not user.is_authenticated:
        return {}
    return {e.programme_id: e for e in Enrolment.objects.filter(user=user)}


def programme_page_context(*, programme: ProgrammePage, user, request=None) -> dict:
    """Outline with ticks, enrolment and the "continue" link for a programme page."""
    enrolment = (
        Enrolment.objects.filter(user=user, programme=programme).first()
        if user.is_authenticated
        else None
    )
    learning = enrolment is not None and enrolment.status in LEARNING_STATUSES
    done = completed_item_ids(user=user, programme=programme) if learning else set()
    outline = programme_outline(
        programme=programme, programme_url=programme.get_url(request), done_ids=done
    )
    completed = enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED
    return {
        "enrolment": enrolment,
        "learning": learning,
        "completion_links": extensions.completion_links(
            user=user, programme_ids=[programme.pk]
        ).get(programme.pk, [])
        if completed
        else [],
        "outline": outline,
        "continue_item": outline.first_unfinished() if learning else None,
        "module_count": len(outline.modules),
        "item_count": len(outline.items),
    }


def item_page_context(*, item: Page, user, access, request=None) -> dict:
    """Everything a lesson (or quiz) page shows around its body."""
    programme = access.programme
    enrolment = access.enrolment
    done = completed_item_ids(user=user, programme=programme) if enrolment else set()
    outline = programme_outline(
        programme=programme, programme_url=programme.get_url(request), done_ids=done
    )
    prev_item, next_item = outline.neighbours(item.pk)
    return {
        "programme": programme,
        "enrolment": enrolment,
        "staff_preview": access.staff_preview,
        "outline": outline,
        "module": outline.module_of(item.pk),
        "prev_item": prev_item,
        "next_item": next_item,
        "is_done": item.pk in done,
    }


def locked_item_context(*, item: Page, user, access) -> dict:
    return {"programme": access.programme, "enrolment": access.enrolment}


@dataclass
class DashboardRow:
    enrolment: Enrolment
    programme: ProgrammePage
    continue_item: OutlineItem | None
    outline: Outline
    completion_links: list = field(default_factory=list)


def learner_dashboard(*, user, request=None) -> list[DashboardRow]:
    """The learner's enrolments with progress and where to continue.

    Three queries whatever the number of enrolments: enrolments with their
    programmes, the learner's completions, and the outlines of all programmes.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status__in=[EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED])
        .select_related("programme")
        .order_by("-updated_at")
    )
    if not enrolments:
        return []
    done = set(
        ItemCompletion.objects.filter(user=user).values_list("item_id", flat=True)
    )
    # All outlines in one query, then each row to the programme whose path
    # prefixes it.
    by_path = {e.programme.path: [] for e in enrolments}
    prefix_lengths = {len(path) for path in by_path}
    for row in _outline_rows([e.programme for e in enrolments]):
        for n in prefix_lengths:
            if (bucket := by_path.get(row["path"][:n])) is not None:
                bucket.append(row)
                break
    links = extensions.completion_links(
        user=user,
        programme_ids=[
            e.programme_id for e in enrolments if e.status == EnrolmentStatus.COMPLETED
        ],
    )
    rows = []
    for enrolment in enrolments:
        programme = enrolment.programme
        outline = programme_outline(
            programme=programme,
            programme_url=programme.get_url(request),
            done_ids=done,
            rows=by_path[programme.path],
        )
        rows.append(
            DashboardRow(
                enrolment=enrolment,
                programme=programme,
                continue_item=outline.first_unfinished()
                if enrolment.status in LEARNING_STATUSES
                else None,
                outline=outline,
                completion_links=links.get(programme.pk, []),
            )
        )
    return rows


def pending_enrolments(*, programmes: QuerySet | None = None) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(status=EnrolmentStatus.PENDING).select_related(
        "user", "programme"
    )
    if programmes is not None:
        qs = qs.filter(programme__in=programmes)
    return qs.order_by("created_at")


__all__ = ["ModulePage", "Q"]
