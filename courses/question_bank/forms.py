"""Admin forms of the question bank.

``QuestionAdminForm`` is the base form of every question type's create/edit
view. Its ``clean()`` builds the grading snapshot from the form *and* its
inline child formsets and runs ``courses.quiz.grading.validate``, so a
question that could not be graded as meant (a single choice without a 100%
answer, multiple answers whose grades do not add up to 100%...) is refused
with the same messages the importer gives, before anything is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Question, QuestionCategory
from ..quiz import grading
from .importing import FILE_FORMATS, decode_question_file
from .selectors import categories_in_tree_order, category_path_map
from .snapshots import CHILD_RELATIONS, build_snapshot, problem_text

__all__ = [
    "MAX_UPLOAD_BYTES",
    "CategoryChoiceField",
    "ImportUploadForm",
    "QuestionAdminForm",
    "QuestionCategoryAdminForm",
    "formset_rows",
]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
UPLOAD_EXTENSIONS = (".gift", ".txt")


def formset_rows(formset) -> list[dict[str, Any]]:
    """The cleaned rows a formset would save, in their submitted order.

    Deleted rows and untouched extra rows are left out, as the formset's own
    ``save()`` leaves them out. Call only when the formset is valid.
    """
    rows = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data"):
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form in formset.extra_forms and not form.has_changed():
            continue
        rows.append(form.cleaned_data)
    if formset.can_order:
        rows.sort(key=lambda r: (r.get("ORDER") is None, r.get("ORDER") or 0))
    return rows


class QuestionAdminForm(WagtailAdminModelForm):
    """Refuses questions that ``grading.validate`` refuses (see module docstring).

    After a successful ``clean()``, ``validated_snapshot`` holds the snapshot
    that was checked; the edit view compares it with the stored question to
    decide whether the version goes up.
    """

    validated_snapshot: dict[str, Any] | None = None

    def clean(self):
        cleaned = super().clean()
        self.validated_snapshot = None
        type_code = getattr(self._meta.model, "type_code", "")
        if not type_code:
            return cleaned
        self._check_idnumber(cleaned)
        children: list[dict[str, Any]] = []
        relation = CHILD_RELATIONS.get(type_code)
        if relation:
            formset = self.formsets.get(relation)
            if formset is None or not formset.is_valid():
                # The formset shows its own errors; a snapshot of half-valid
                # rows would only add confusing ones.
                return cleaned
            children = formset_rows(formset)
        snapshot = build_snapshot(
            type_code=type_code, fields=cleaned, children=children
        )
        problems = grading.validate(snapshot)
        for problem in problems:
            self.add_error(None, problem_text(problem, gettext))
        if not problems:
            self.validated_snapshot = snapshot
        return cleaned

    def _check_idnumber(self, cleaned: dict[str, Any]) -> None:
        """A readable message instead of the database constraint's name."""
        idnumber, category = cleaned.get("idnumber"), cleaned.get("category")
        if not idnumber or category is None:
            return
        clash = Question.objects.filter(category=category, idnumber=idnumber)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error(
                "idnumber",
                _("Another question in this category already has this ID number."),
            )


class QuestionCategoryAdminForm(WagtailAdminModelForm):
    """Keeps the category tree a tree, with readable messages."""

    def clean(self):
        cleaned = super().clean()
        parent, name = cleaned.get("parent"), cleaned.get("name")
        inside_itself = (
            parent is not None
            and self.instance.pk is not None
            and parent.pk in self.instance.descendant_ids()
        )
        if inside_itself:
            self.add_error(
                "parent",
                _("A category cannot be placed inside itself or its subcategories."),
            )
            return cleaned
        if name:
            siblings = QuestionCategory.objects.filter(parent=parent, name=name)
            if self.instance.pk:
                siblings = siblings.exclude(pk=self.instance.pk)
            if siblings.exists():
                self.add_error(
                    "name", _("A category with this name already exists here.")
                )
        return cleaned


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories listed as paths, in tree order, from two queries in all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", QuestionCategory.objects.all())
        super().__init__(*args, **kwargs)
        self._paths: dict[int, str] | None = None

    def label_from_instance(self, obj):
        if self._paths is None:
            self._paths = category_path_map()
        return self._paths.get(obj.pk, obj.name)


class ImportUploadForm(forms.Form):
    """Step 1 of the import: the file, its format and where it goes."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("A .gift or .txt file in UTF-8, at most 2 MB."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("gift", "GIFT"), ("aiken", "Aiken")],
        initial="gift",
    )
    category = CategoryChoiceField(
        label=_("Target category"),
        required=False,
        help_text=_(
            "Questions go into this category; $CATEGORY: lines in the file "
            "make subcategories of it. Leave empty to rely on the file's "
            "$CATEGORY: lines alone."
        ),
    )

    text: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_in_tree_order()

    def clean_file_format(self) -> str:
        value = self.cleaned_data["file_format"]
        if value not in FILE_FORMATS:  # pragma: no cover - ChoiceField already
            raise forms.ValidationError(_("Unknown format."))
        return value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload a .gift or .txt file."), code="extension"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; split it into smaller files."),
                code="size",
            )
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; split it into smaller files."),
                code="size",
            )
        try:
            self.text = decode_question_file(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="encoding") from exc
        if not self.text.strip():
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload
