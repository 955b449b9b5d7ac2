"""Heroku Range pagination: build the Range header, and read Next-Range from a 206 answer."""

from __future__ import annotations

import re

MAX_PAGE = 1000


def range_header(field: str = "id", *, max_items: int = MAX_PAGE, order: str | None = None) -> str:
    """`<field> ..; max=N[, order=desc]` as Heroku documents it."""
    max_items = max(1, min(int(max_items), MAX_PAGE))
    header = f"{field} ..; max={max_items}"
    if order:
        header += f", order={order}"
    return header


def page_size_for(limit: int | None) -> int:
    """Ask for no more than needed: a --limit of 5 fetches one page of 5."""
    return MAX_PAGE if limit is None else max(1, min(limit, MAX_PAGE))


_MAX = re.compile(r"(;\s*|,\s*)max=\d+")


def with_max(next_range: str, max_items: int) -> str:
    """A Next-Range asking for at most `max_items` (so a --limit never fetches more items than it shows)."""
    if _MAX.search(next_range):
        return _MAX.sub(lambda m: f"{m.group(1)}max={max_items}", next_range, count=1)
    return f"{next_range}; max={max_items}" if ";" not in next_range else f"{next_range}, max={max_items}"
