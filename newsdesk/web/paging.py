"""Pagination that never counts: fetch one row more than a page to know whether another follows.

COUNT(*) over millions of articles costs more than the page itself, and readers
only ever need "newer" and "older".
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import Http404, HttpRequest


@dataclass(frozen=True)
class PageSlice:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


MAX_PAGE_DIGITS = 7


def page_number(raw: str) -> int | None:
    """`raw` as a page number, or None when it is not one a page could have."""
    # ASCII digits only ("²".isdigit() is true, int() refuses it), and few enough that the
    # offset fits the database's integers.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        return None
    return int(raw)


def requested_page(request: HttpRequest) -> int:
    """The ?page= number; a missing one is 1, a malformed one is a 404 rather than a silent page 1."""
    number = page_number(request.GET.get("page", "1"))
    if number is None:
        raise Http404("no such page")
    return number


def slice_page(fetch: Callable[[int, int], Sequence], number: int, size: int) -> PageSlice:
    """Page `number` from `fetch(limit, offset)`; pages past the end are 404s, except an empty page 1."""
    rows = list(fetch(size + 1, (number - 1) * size))
    if not rows and number > 1:
        raise Http404("no such page")
    return PageSlice(items=rows[:size], number=number, has_next=len(rows) > size)


def queryset_fetcher(queryset) -> Callable[[int, int], Sequence]:
    return lambda limit, offset: queryset[offset : offset + limit]


def articles_page(request: HttpRequest, rows) -> PageSlice:
    """The requested page of a queryset of rows that each point at an `article` (taggings, saves)."""
    page = slice_page(queryset_fetcher(rows), requested_page(request), settings.NEWSDESK_PAGE_SIZE)
    return replace(page, items=[row.article for row in page.items])
