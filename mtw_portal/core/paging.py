"""Pages of long lists whose cost does not grow with the list.

Django's ``Paginator`` counts the whole list (``SELECT COUNT(*)`` over every matching row) on
every request. ``CappedPaginator`` counts at most ``cap + 1`` rows (``COUNT(*)`` over a
``LIMIT``ed subquery, served by the list's indexed order), so a list of 100,000 costs what a list
of 1,001 does. Past the cap it says "more than <cap>" and pages on with Previous and Next: each
page reads one row beyond its end to know whether there is a next one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000  # settings.MTW_LIST_COUNT_CAP overrides it
# The highest page number any list reads: beyond it a page is "empty" (``get_page`` then shows
# the first or the last), never an OFFSET the database cannot hold (a 500 on SQLite and
# PostgreSQL alike for a hostile ``?page=99999999999999999999``).
MAX_PAGE = 100_000


def count_cap() -> int:
    return getattr(settings, "MTW_LIST_COUNT_CAP", COUNT_CAP)


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self):
        return self._more

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    """A paginator whose ``count`` stops at ``cap + 1``; ``capped`` says the list is longer than ``cap``."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = count_cap() if cap is None else cap

    @cached_property
    def count(self):
        rows = self.object_list
        if hasattr(rows, "values"):  # a queryset: count its ids, unordered, without the page's annotations
            rows = rows.order_by().values("pk")
        limited = rows[: self.cap + 1]
        counter = getattr(limited, "count", None)
        return counter() if callable(counter) else len(limited)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number):
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(1 if self.capped else self.num_pages)


def capped_count(queryset, *, cap: int | None = None) -> tuple[int, bool]:
    """How many rows, counting at most ``cap + 1``: ``(count, more)``, ``more`` when over ``cap``."""
    cap = count_cap() if cap is None else cap
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def page_number(number) -> int:
    """A requested page number as an int from 1 to ``MAX_PAGE``: anything else is page 1."""
    try:
        number = int(number)
    except (TypeError, ValueError, OverflowError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


class OpenPage:
    """A page of a list read with LIMIT/OFFSET in an indexed order: one row more than the page
    says whether there is a next one, so nothing counts the whole list. ``number`` from 1 to
    ``MAX_PAGE`` (anything else reads page 1)."""

    def __init__(self, rows, number, per_page: int):
        number = page_number(number)
        start = (number - 1) * per_page
        fetched = list(rows[start : start + per_page + 1])
        self.number = number
        self.object_list = fetched[:per_page]
        self._more = len(fetched) > per_page
        self._start = start

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    # Django's ``Page`` names, so templates and callers read either alike.
    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return self._start + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self._start + len(self.object_list)
