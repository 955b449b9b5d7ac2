"""stdout is data, stderr is talk: tables for people, TSV for pipes, JSON for programs.

Every function writes to the injected streams (`hkctl.iostreams.IOStreams`, `env.io` in a command):
whether `io.out` is a terminal decides table or TSV.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hkctl.iostreams import IOStreams

Column = tuple[str, str | Callable[[Any], Any]]

#: an ANSI control sequence (colour, bold, cursor): the pattern click.echo strips
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


def emit_json(io: IOStreams, data: Any) -> None:
    """Complete records, in the API's key order, one JSON document, on `io.out`."""
    io.out.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


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
    io: IOStreams, rows: Iterable[Any], columns: Sequence[Column], *, empty: str = "", err: bool = False
) -> None:
    """Aligned columns with a header on a TTY; header-less TSV in a pipe.

    On `io.out`, or with `err` on `io.err` (a table shown as talk, before a question).
    """
    out, tty = (io.err, io.stderr_is_tty) if err else (io.out, io.stdout_is_tty)
    cells = [[_cell(r, g) for _, g in columns] for r in rows]
    if not tty:
        for line in cells:
            out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in line) + "\n")
        return
    if not cells:
        if empty:
            say(io, empty)
        return
    headers = [h for h, _ in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    out.write("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")


def emit_records(
    io: IOStreams, as_json: bool, rows: Sequence[Any], columns: Sequence[Column], *, empty: str = ""
) -> None:
    """A list read: complete records as JSON with --json, else the table of `columns`."""
    if as_json:
        emit_json(io, [r.to_json() if hasattr(r, "to_json") else r for r in rows])
    else:
        emit_table(io, rows, columns, empty=empty)


def emit_fields(io: IOStreams, pairs: Sequence[tuple[str, Any]]) -> None:
    """`key: value` lines (aligned on a TTY, TSV in a pipe)."""
    width = max((len(k) for k, _ in pairs), default=0)
    tty = io.stdout_is_tty
    for key, value in pairs:
        text = "" if value is None else ("yes" if value is True else "no" if value is False else str(value))
        io.out.write(f"{key + ':':<{width + 1}} {text}\n" if tty else f"{key}\t{text}\n")


def echo(io: IOStreams, text: str | None, *, nl: bool = True) -> None:
    """A line of data on `io.out` (a name, a URL, a value asked for); None prints an empty line."""
    text = "" if text is None else text
    io.out.write(text + "\n" if nl else text)
    io.out.flush()  # as click.echo did: a streamed line (build output, a dyno's output) shows at once


def echo_output(io: IOStreams, line: str) -> None:
    """A line another program wrote (a build's or a dyno's output) on `io.out`: its ANSI styling kept
    on a terminal and removed in a pipe or a file, as click.echo did, so a saved or grepped copy is text.

    Data asked for by name (a config value, a token) goes through `echo`, never rewritten.
    """
    echo(io, line if io.stdout_is_tty else _ANSI.sub("", line))


def say(io: IOStreams, message: str) -> None:
    """Talk to the person: `io.err`, never mixed into data."""
    io.err.write(message + "\n")
    io.err.flush()


def say_to(io: IOStreams) -> Callable[[str], None]:
    """`say` bound to `io`: the progress callback that workflows take (`say=say_to(env.io)`)."""
    return lambda message: say(io, message)
