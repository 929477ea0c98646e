"""GOV.UK pagination (the `govuk-pagination` component) for a Django `Page`."""

from __future__ import annotations

from dataclasses import dataclass

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


def pagination(page: Page, around: int = 1) -> Pagination | None:  # type: ignore[type-arg]
    """The links for `page`: previous and next, the first and last pages, the current one
    and `around` neighbours each side, ellipses between; None when all fits on one page.
    Links are `?page=N` (the page's only query parameter)."""
    count = page.paginator.num_pages
    if count <= 1:
        return None
    current = page.number
    shown = sorted({1, count, *range(max(1, current - around), min(count, current + around) + 1)})
    items: list[PageLink] = []
    for number in shown:
        if items and items[-1].number is not None and number - items[-1].number > 1:
            items.append(PageLink(None))
        items.append(PageLink(number, f"?page={number}", number == current))
    return Pagination(
        previous=f"?page={current - 1}" if page.has_previous() else "",
        next=f"?page={current + 1}" if page.has_next() else "",
        items=items,
    )
