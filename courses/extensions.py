"""Extension points that other apps fill, so courses never imports them.

``lms_completion_links``: a Wagtail hook returning, for a learner and some
programme ids, the links to show beside a *completed* programme on the
dashboard and the programme page (the certificates app adds "Download the
certificate" and "Verification page"). Each hook is called once per page with
all programme ids, so a provider can answer with one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

COMPLETION_LINKS_HOOK = "lms_completion_links"


@dataclass(frozen=True)
class CompletionLink:
    label: str
    url: str
    primary: bool = False


def completion_links(*, user, programme_ids) -> dict[int, list[CompletionLink]]:
    ids = list(programme_ids)
    links: dict[int, list[CompletionLink]] = {}
    if not ids or not user.is_authenticated:
        return links
    for provider in hooks.get_hooks(COMPLETION_LINKS_HOOK):
        for programme_id, extra in provider(user=user, programme_ids=ids).items():
            links.setdefault(programme_id, []).extend(extra)
    return links
