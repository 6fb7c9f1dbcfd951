"""GET forms behind the library and story filters.

They only read and check the query string: a value that is not one of the
offered choices (an old link, a typo) is dropped instead of failing the page,
so a visitor always gets a list. ``filters()`` returns what to pass to the
selector.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MaterialType, Oblast

QUERY_MAX_LENGTH = 200


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


class ListingFilterForm(forms.Form):
    """Base: invalid fields are ignored one by one, valid ones still apply."""

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in self.fields
            if name in cleaned and name not in self.errors
        }

    @property
    def active(self) -> bool:
        """Whether any filter or search term is in use."""
        return any(value not in ("", None) for value in self.filters().values())


class LibraryFilterForm(ListingFilterForm):
    q = forms.CharField(
        label=_("Search the library"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        data=None,
        *,
        topics: Iterable[tuple[str, str]] = (),
        years: Iterable[int] = (),
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.fields["type"].choices = [
            *_any(_("All types")),
            *MaterialType.choices,
        ]
        self.fields["topic"].choices = [*_any(_("All topics")), *topics]
        self.fields["year"].choices = [
            *_any(_("All years")),
            *((str(year), str(year)) for year in years),
        ]


class StoryFilterForm(ListingFilterForm):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    oblast = forms.ChoiceField(label=_("Oblast"), required=False)

    def __init__(
        self,
        data=None,
        *,
        themes: Iterable[tuple[str, str]] = (),
        oblasts: Iterable[str] = (),
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.fields["theme"].choices = [*_any(_("All themes")), *themes]
        labels = dict(Oblast.choices)
        self.fields["oblast"].choices = [
            *_any(_("All oblasts")),
            *((value, labels.get(value, value)) for value in oblasts),
        ]
