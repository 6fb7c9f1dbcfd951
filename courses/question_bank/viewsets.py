"""Admin screens of the question bank: categories, questions per type, all questions.

Everything is a Wagtail snippet viewset, so the rest of the admin gets the
snippet choosers for free (a quiz slot picks its question or random-draw
category in a chooser rather than a drop-down of thousands of rows). The
"Question bank" menu shows "All questions", "Categories" and the import
screen; each question type has its own viewset (its create/edit forms use the
``InlinePanel``\\s declared on the model) reached from "All questions".
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied

from taggit.models import Tag
from wagtail.admin import messages
from wagtail.admin.filters import MultipleContentTypeFilter, WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.widgets.button import MenuItem
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

import django_filters

from cms_pages.sanitize import sanitize_html, strip_tags

from ..models import Question, QuestionCategory
from .forms import CategoryChoiceField, QuestionAdminForm, QuestionCategoryAdminForm
from .permissions import (
    QUESTION_MODELS,
    question_type_of,
    user_can,
    user_can_export_questions,
)
from .selectors import categories_in_tree_order, category_path_map, question_data
from .snapshots import build_snapshot

__all__ = [
    "AllQuestionsViewSet",
    "QuestionBankViewSetGroup",
    "QuestionCategoryViewSet",
    "question_type_viewsets",
]

MAX_TAG_CHOICES = 30


# --- filters --------------------------------------------------------------------


class CategoryFilter(django_filters.ModelChoiceFilter):
    """A category and everything below it: how trainers think of a folder."""

    field_class = CategoryChoiceField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(category_id__in=value.descendant_ids())


def _category_choices(request):
    return categories_in_tree_order()


def _question_content_types(request):
    types = ContentType.objects.get_for_models(*QUESTION_MODELS.values()).values()
    return ContentType.objects.filter(pk__in=[ct.pk for ct in types])


class QuestionFilterSet(WagtailFilterSet):
    category = CategoryFilter(
        label=_("Category (with subcategories)"), queryset=_category_choices
    )

    class Meta:
        model = Question
        fields: list[str] = []


class AllQuestionsFilterSet(QuestionFilterSet):
    question_type = MultipleContentTypeFilter(
        label=_("Type"),
        field_name="polymorphic_ctype",
        queryset=_question_content_types,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        tags = (
            Tag.objects.filter(courses_questiontag_items__isnull=False)
            .annotate(uses=Count("courses_questiontag_items"))
            .order_by("-uses", "name")[:MAX_TAG_CHOICES]
        )
        names = [tag.name for tag in tags]
        if names:
            self.filters["tag"] = django_filters.MultipleChoiceFilter(
                label=_("Tag"),
                field_name="tags__name",
                choices=[(name, name) for name in sorted(names, key=str.casefold)],
                widget=forms.CheckboxSelectMultiple,
                distinct=True,
            )


# --- shared listing pieces -------------------------------------------------------------


class _CategoryPathsMixin:
    @cached_property
    def category_paths(self) -> dict[int, str]:
        return category_path_map()

    def _category_column(self) -> Column:
        return Column(
            "category",
            label=_("Category"),
            accessor=lambda obj: self.category_paths.get(obj.category_id, ""),
        )


def _question_columns(view, *, with_type: bool) -> list:
    title_class = view._get_title_column_class(TitleColumn)
    columns = [
        title_class(
            "name",
            label=_("Name"),
            get_url=lambda q: view.get_edit_url(q) or view.get_inspect_url(q),
            sort_key="name",
        )
    ]
    if with_type:
        columns.append(
            Column(
                "question_type",
                label=_("Type"),
                accessor=lambda q: question_type_of(q)._meta.verbose_name,
            )
        )
    columns += [
        view._category_column(),
        Column("idnumber", label=_("ID number"), sort_key="idnumber"),
        Column("version", label=_("Version")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    return columns


# --- question types ----------------------------------------------------------------------


class QuestionTypeIndexView(_CategoryPathsMixin, IndexView):
    @cached_property
    def columns(self):
        return _question_columns(self, with_type=False)


def _stored_rich_text(value: str | None) -> str:
    """Rich text as saving would store it; an editor's empty ``<p></p>`` is ""."""
    cleaned = sanitize_html(value)
    if "<embed" not in cleaned and not strip_tags(cleaned).strip():
        return ""
    return cleaned


def _comparable(snapshot: dict) -> dict:
    """A snapshot with rich text as it will be stored (sanitised on save)."""
    return {
        **snapshot,
        "text": _stored_rich_text(snapshot.get("text")),
        "general_feedback": _stored_rich_text(snapshot.get("general_feedback")),
    }


class QuestionEditView(EditView):
    """Raises the question's version when its content changes.

    Attempts keep the snapshot (with its version) they were started with, so
    the version tells trainers and regrades which wording an attempt saw.
    """

    def save_instance(self):
        new = getattr(self.form, "validated_snapshot", None)
        if new is not None and self.object.pk:
            stored = type(self.object).objects.get(pk=self.object.pk)
            data = question_data(stored)
            old = build_snapshot(
                type_code=data.type_code, fields=data.fields, children=data.children
            )
            if _comparable(old) != _comparable(new):
                self.form.instance.version = stored.version + 1
        return super().save_instance()


class QuestionTypeViewSet(SnippetViewSet):
    """One question type: listing, create/edit with its inline rows, delete."""

    index_view_class = QuestionTypeIndexView
    edit_view_class = QuestionEditView
    filterset_class = QuestionFilterSet
    search_fields = ["name", "idnumber", "text"]
    search_backend_name = None  # plain ORM search combines with the filters
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_admin_menu = False
    ordering = ["name"]
    icon = "help"

    def get_edit_handler(self):
        return ObjectList(
            self.model.panels, base_form_class=QuestionAdminForm
        ).bind_to_model(self.model)


def _type_viewset(model: type[Question]) -> type[QuestionTypeViewSet]:
    code = model.type_code
    return type(
        f"{model.__name__}ViewSet",
        (QuestionTypeViewSet,),
        {
            "model": model,
            "base_url_path": f"question-bank/{code}",
            "admin_url_namespace": f"question_bank_{code}",
            "chooser_admin_url_namespace": f"question_bank_{code}_chooser",
            "chooser_base_url_path": f"question-bank/choose/{code}",
        },
    )


question_type_viewsets: list[type[QuestionTypeViewSet]] = [
    _type_viewset(model) for model in QUESTION_MODELS.values()
]


# --- all questions (the polymorphic base) -----------------------------------------------------


def _type_url(question: Question, action: str) -> str | None:
    viewset = getattr(type(question), "snippet_viewset", None)
    if viewset is None or viewset.model is Question:
        return None
    return reverse(viewset.get_url_name(action), args=(quote(question.pk),))


class AllQuestionsIndexView(_CategoryPathsMixin, IndexView):
    """Every question; each row links to its own type's edit and delete views."""

    @cached_property
    def columns(self):
        return _question_columns(self, with_type=True)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .non_polymorphic()
            .select_related("polymorphic_ctype")
        )

    def get_edit_url(self, instance):
        return self._type_action_url(instance, "change", "edit")

    def get_delete_url(self, instance):
        return self._type_action_url(instance, "delete", "delete")

    def get_copy_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return None

    def _type_action_url(self, instance, action: str, view_name: str) -> str | None:
        model = question_type_of(instance)
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is None or model is Question:
            return None
        if not user_can(self.request.user, action, model):
            return None
        return reverse(viewset.get_url_name(view_name), args=(quote(instance.pk),))

    @cached_property
    def add_item_label(self):
        return _("Add question")


def choose_type_view(request):
    """The "Add question" page: one link per type the user may create."""
    types = [
        (model._meta.verbose_name, reverse(model.snippet_viewset.get_url_name("add")))
        for model in QUESTION_MODELS.values()
        if user_can(request.user, "add", model) and hasattr(model, "snippet_viewset")
    ]
    if not types:
        return permission_denied(request, PermissionDenied())
    return TemplateResponse(
        request,
        "courses/question_bank/choose_type.html",
        {
            "types": types,
            "header_title": _("Add question"),
            "page_title": _("Add question"),
        },
    )


def _redirect_to_type(view_name: str):
    def view(request, pk):
        question = get_object_or_404(Question, pk=unquote(str(pk)))
        url = _type_url(question, view_name)
        if url is None:
            raise PermissionDenied
        return redirect(url)

    view.__name__ = f"redirect_to_type_{view_name}"
    return view


class AllQuestionsViewSet(SnippetViewSet):
    """The polymorphic base: listing with type/category/tag filters, and the
    chooser the quiz slots use. Creating and editing happen per type."""

    model = Question
    icon = "list-ul"
    menu_label = _("All questions")
    base_url_path = "question-bank/questions"
    admin_url_namespace = "question_bank_questions"
    chooser_admin_url_namespace = "question_bank_questions_chooser"
    chooser_base_url_path = "question-bank/choose/questions"
    index_view_class = AllQuestionsIndexView
    filterset_class = AllQuestionsFilterSet
    search_fields = ["name", "idnumber", "text"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    ordering = ["-updated_at"]

    def get_urlpatterns(self):
        replaced = {
            "add": choose_type_view,
            "edit": _redirect_to_type("edit"),
            "delete": _redirect_to_type("delete"),
        }
        patterns = []
        for pattern in super().get_urlpatterns():
            if pattern.name in replaced:
                pattern = path(
                    str(pattern.pattern), replaced[pattern.name], name=pattern.name
                )
            patterns.append(pattern)
        return patterns


# --- categories ------------------------------------------------------------------------------


class CategoryIndexView(IndexView):
    """Categories as a tree: sorted by path, each row showing its full path."""

    @cached_property
    def category_paths(self) -> dict[int, str]:
        return category_path_map()

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(question_count=Count("questions"))

    def order_queryset(self, queryset):
        return categories_in_tree_order(queryset)

    @cached_property
    def columns(self):
        title_class = self._get_title_column_class(TitleColumn)
        return [
            title_class(
                "path",
                label=_("Category"),
                accessor=lambda c: self.category_paths.get(c.pk, c.name),
                get_url=lambda c: self.get_edit_url(c) or self.get_inspect_url(c),
            ),
            Column("question_count", label=_("Questions")),
            Column("description", label=_("Description")),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if user_can_export_questions(self.request.user):
            url = reverse("question_bank_categories:export", args=(instance.pk,))
            buttons += [
                MenuItem(
                    _("Export as GIFT"), url=url, icon_name="download", priority=40
                ),
                MenuItem(
                    _("Export with subcategories"),
                    url=url + "?subcategories=1",
                    icon_name="download",
                    priority=41,
                ),
            ]
        return buttons


class CategoryDeleteView(DeleteView):
    """Deleting a category that still holds questions or subcategories is
    refused with a message (the foreign keys PROTECT them) instead of an error
    page."""

    def form_valid(self, form):
        message = _(
            "This category still has questions or subcategories; "
            "move or delete them first."
        )
        if self.object.children.exists() or self.object.questions.exists():
            messages.error(self.request, message)
            return redirect(self.get_success_url())
        try:
            return super().form_valid(form)
        except ProtectedError:  # filled in the meantime
            messages.error(self.request, message)
            return redirect(self.get_success_url())


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    base_url_path = "question-bank/categories"
    admin_url_namespace = "question_bank_categories"
    chooser_admin_url_namespace = "question_bank_categories_chooser"
    chooser_base_url_path = "question-bank/choose/categories"
    index_view_class = CategoryIndexView
    delete_view_class = CategoryDeleteView
    search_fields = ["name", "description"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_edit_handler(self):
        return ObjectList(
            self.model.panels, base_form_class=QuestionCategoryAdminForm
        ).bind_to_model(self.model)

    def get_urlpatterns(self):
        from .views import category_export_view

        return [
            *super().get_urlpatterns(),
            path("export/<int:pk>/", category_export_view, name="export"),
        ]


# --- the menu group -------------------------------------------------------------------------------


class QuestionBankViewSetGroup(SnippetViewSetGroup):
    """The "Question bank" menu: all questions, categories, import.

    The per-type viewsets belong to the group (so they are registered and
    kept out of the generic Snippets menu) but have no menu entry of their
    own; "All questions" links to them.
    """

    items = (AllQuestionsViewSet, QuestionCategoryViewSet, *question_type_viewsets)
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_name = "question-bank"
    menu_order = 220
    submenu_hook = "register_question_bank_menu_item"

    def get_submenu_items(self):
        shown = (AllQuestionsViewSet, QuestionCategoryViewSet)
        return [
            registerable.get_menu_item(order=order)
            for order, registerable in enumerate(self.registerables, start=1)
            if isinstance(registerable, shown)
        ]
