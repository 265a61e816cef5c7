"""One page of a list: the rows, the total and the page arithmetic the pager macro needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# A count past this many rows only says "more than 10.000": counting stays bounded however large the
# table grows, and so does the last page a user can open (offset at most COUNT_CAP).
COUNT_CAP = 10_000


@dataclass
class CappedPage(Page):
    capped: bool = False
    open_ended: bool = False  # a search: no total, only whether another page follows

    @property
    def cap(self) -> int:
        """The most rows counted ("more than 10.000")."""
        return COUNT_CAP

    @property
    def pages(self) -> int:
        if self.open_ended:
            return self.page + (1 if self.capped else 0)
        return max(1, -(-min(self.total, COUNT_CAP) // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# ---------------------------------------------------------------- numbers typed in a URL or form


def page_number(value, last: int = 100_000) -> int:
    """The page asked for in a query string, between 1 and `last`; 1 when it is not a number."""
    try:
        return max(1, min(int(value), last))
    except (TypeError, ValueError):
        return 1


def id_or_none(value: str | None) -> int | None:
    """An id typed in a query string or form: ASCII digits that fit a database integer, else None
    ('²'.isdigit() is true but int() refuses it; 20 digits overflow PostgreSQL's integer)."""
    if value and len(value) <= 9 and value.isascii() and value.isdigit():
        return int(value)
    return None
