"""Pagination for the site's listings (library, stories)."""

from __future__ import annotations

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator

PER_PAGE = 12


def paginate(items, page_number, *, per_page: int = PER_PAGE) -> PaginatorPage:
    """One page of ``items`` (a queryset or search results).

    A missing or malformed ``page_number`` gives the first page, one past the
    end the last, as Django's ``Paginator.get_page`` does. The page carries
    ``elided_range``: the numbers to link to, with ``Paginator.ELLIPSIS`` gaps.
    """
    paginator = Paginator(items, per_page)
    page = paginator.get_page(page_number)
    page.elided_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return page
