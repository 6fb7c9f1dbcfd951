"""The trainer's manual mark for one answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: A comment is feedback for one answer, not an essay of its own.
MAX_COMMENT_CHARS = 10_000


class ManualGradeForm(forms.Form):
    """Mark and comment for one response; the range is checked by the service
    (:func:`courses.quiz_services.response_grade_manually`), whose message
    is shown on the mark field."""

    mark = forms.DecimalField(
        label=_("Mark"),
        max_digits=10,
        decimal_places=7,
        localize=True,  # "1,5" in Ukrainian, "1.5" everywhere
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    comment = forms.CharField(
        label=_("Comment (the learner sees it with their marks)"),
        required=False,
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def prefix_for(position: int) -> str:
    return f"r{position}"
