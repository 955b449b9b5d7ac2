"""stdout is data, stderr is talk: tables for people, TSV for pipes, JSON for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Column = tuple[str, str | Callable[[Any], Any]]


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def emit_json(data: Any, *, stream: Any = None) -> None:
    """Complete records, in the API's key order, one JSON document."""
    out = stream or sys.stdout
    out.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _cell(row: Any, getter: str | Callable[[Any], Any]) -> str:
    value = (
        getter(row)
        if callable(getter)
        else (row.get(getter) if isinstance(row, Mapping) else getattr(row, getter, None))
    )
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def emit_table(
    rows: Iterable[Any], columns: Sequence[Column], *, stream: Any = None, empty: str = ""
) -> None:
    """Aligned columns with a header on a TTY; header-less TSV in a pipe."""
    out = stream or sys.stdout
    cells = [[_cell(r, g) for _, g in columns] for r in rows]
    if not _is_tty(out):
        for line in cells:
            out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in line) + "\n")
        return
    if not cells:
        if empty:
            say(empty)
        return
    headers = [h for h, _ in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    out.write("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")


def emit_records(as_json: bool, rows: Sequence[Any], columns: Sequence[Column], *, empty: str = "") -> None:
    """A list read: complete records as JSON with --json, else the table of `columns`."""
    if as_json:
        emit_json([r.to_json() if hasattr(r, "to_json") else r for r in rows])
    else:
        emit_table(rows, columns, empty=empty)


def emit_fields(pairs: Sequence[tuple[str, Any]], *, stream: Any = None) -> None:
    """`key: value` lines (aligned on a TTY, TSV in a pipe)."""
    out = stream or sys.stdout
    width = max((len(k) for k, _ in pairs), default=0)
    tty = _is_tty(out)
    for key, value in pairs:
        text = "" if value is None else ("yes" if value is True else "no" if value is False else str(value))
        out.write(f"{key + ':':<{width + 1}} {text}\n" if tty else f"{key}\t{text}\n")


def say(message: str) -> None:
    """Talk to the person: stderr, never mixed into data."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
