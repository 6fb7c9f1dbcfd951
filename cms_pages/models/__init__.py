"""Site pages: home, standard pages, news, the library and success stories.

Import page models from ``cms_pages.models``, never from the submodules. The
submodules depend one way: ``base`` (the sanitising abstract page) is used by
``pages``, ``library`` and ``stories``; ``stories`` borrows a validator from
``library``; nothing imports ``pages``.

Page models are lean: fields, panels, tree rules, search fields and a
``get_context`` that calls :mod:`cms_pages.selectors`. Rich text is sanitised in
``clean()`` (Wagtail runs ``full_clean`` on every page save), never on render.
"""

from .base import SanitizedPage
from .library import (
    LibraryIndexPage,
    LibraryItemDocument,
    LibraryItemPage,
    LibraryItemTag,
)
from .pages import HomePage, NewsIndexPage, NewsPage, StandardPage
from .stories import StoryIndexPage, StoryPage, StoryThemeTag

__all__ = [
    "HomePage",
    "LibraryIndexPage",
    "LibraryItemDocument",
    "LibraryItemPage",
    "LibraryItemTag",
    "NewsIndexPage",
    "NewsPage",
    "SanitizedPage",
    "StandardPage",
    "StoryIndexPage",
    "StoryPage",
    "StoryThemeTag",
]
