"""GOV.UK pagination (the `govuk-pagination` component) for a Django `Page`: one helper and
one template (`web/includes/pagination.html`) for every paginated list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    previous: str
    next: str
    items: list[PageLink]


def pagination(
    page: Page,  # type: ignore[type-arg]
    *,
    query: Mapping[str, str] | None = None,
    param: str = "page",
    around: int = 1,
) -> Pagination | None:
    """The links for `page`: previous and next, the first and last pages, the current one
    and `around` neighbours each side, ellipses between; None when all fits on one page.

    Links set `param` and keep the other non-empty parameters of `query` (a filter, a
    period, another list's page), so paging never loses what the user chose.
    """
    count = page.paginator.num_pages
    if count <= 1:
        return None
    kept = {k: v for k, v in (query or {}).items() if k != param and v}

    def href(number: int) -> str:
        return "?" + urlencode({**kept, param: str(number)})

    current = page.number
    shown = sorted({1, count, *range(max(1, current - around), min(count, current + around) + 1)})
    items: list[PageLink] = []
    for number in shown:
        if items and items[-1].number is not None and number - items[-1].number > 1:
            items.append(PageLink(None))
        items.append(PageLink(number, href(number), number == current))
    return Pagination(
        previous=href(current - 1) if page.has_previous() else "",
        next=href(current + 1) if page.has_next() else "",
        items=items,
    )
